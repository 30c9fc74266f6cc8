namespace FastAV.Live.Torch;

/// <summary>Element types; values are libtorch's c10::ScalarType codes (TorchSharp's ScalarType uses the same).</summary>
public enum DType
{
    UInt8 = 0,
    Int32 = 3,
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
    BFloat16 = 15,
}
