namespace FastAV.Live.Torch;

/// <summary>GELU form: exact (erf) or PyTorch's tanh approximation.</summary>
public enum GeluApproximation
{
    None = 0,
    Tanh = 1,
}
