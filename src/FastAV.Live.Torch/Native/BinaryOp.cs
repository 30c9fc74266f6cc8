namespace FastAV.Live.Torch.Native;

/// <summary>Codes of enum fat_binary_op in fastav_torch.h.</summary>
internal enum BinaryOp
{
    Add = 0,
    Sub = 1,
    Mul = 2,
    Div = 3,
    Pow = 4,
    Maximum = 5,
    Minimum = 6,
    Eq = 10,
    Ne = 11,
    Lt = 12,
    Le = 13,
    Gt = 14,
    Ge = 15,
    LogicalAnd = 20,
    LogicalOr = 21,
}
