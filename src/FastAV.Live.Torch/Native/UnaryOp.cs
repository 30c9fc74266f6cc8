namespace FastAV.Live.Torch.Native;

/// <summary>Codes of enum fat_unary_op in fastav_torch.h.</summary>
internal enum UnaryOp
{
    Neg = 0,
    Abs = 1,
    Sqrt = 2,
    Rsqrt = 3,
    Exp = 4,
    Log = 5,
    Tanh = 6,
    Sigmoid = 7,
    Silu = 8,
    Gelu = 9,
    GeluTanh = 10,
    Relu = 11,
    Sin = 12,
    Cos = 13,
    LogicalNot = 14,
    Reciprocal = 15,
}
