namespace FastAV.Live.Torch;

/// <summary>Where a tensor lives; values are the shim's device_type codes.</summary>
public enum DeviceType
{
    Cpu = 0,
    Cuda = 1,
}
