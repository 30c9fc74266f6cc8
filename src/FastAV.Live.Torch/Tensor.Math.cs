using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

// Element-wise math (broadcasting like PyTorch), matrix products and softmax.
public sealed partial class Tensor
{
    public Tensor Add(Tensor other) => Binary(BinaryOp.Add, other);
    public Tensor Sub(Tensor other) => Binary(BinaryOp.Sub, other);
    public Tensor Mul(Tensor other) => Binary(BinaryOp.Mul, other);
    public Tensor Div(Tensor other) => Binary(BinaryOp.Div, other);
    public Tensor Pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);
    public Tensor Maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
    public Tensor Minimum(Tensor other) => Binary(BinaryOp.Minimum, other);
    public Tensor Eq(Tensor other) => Binary(BinaryOp.Eq, other);
    public Tensor Ne(Tensor other) => Binary(BinaryOp.Ne, other);
    public Tensor Lt(Tensor other) => Binary(BinaryOp.Lt, other);
    public Tensor Le(Tensor other) => Binary(BinaryOp.Le, other);
    public Tensor Gt(Tensor other) => Binary(BinaryOp.Gt, other);
    public Tensor Ge(Tensor other) => Binary(BinaryOp.Ge, other);
    public Tensor LogicalAnd(Tensor other) => Binary(BinaryOp.LogicalAnd, other);
    public Tensor LogicalOr(Tensor other) => Binary(BinaryOp.LogicalOr, other);

    public Tensor Add(double other) => Binary(BinaryOp.Add, other);
    public Tensor Sub(double other) => Binary(BinaryOp.Sub, other);
    public Tensor Mul(double other) => Binary(BinaryOp.Mul, other);
    public Tensor Div(double other) => Binary(BinaryOp.Div, other);
    public Tensor Pow(double exponent) => Binary(BinaryOp.Pow, exponent);
    public Tensor Eq(double other) => Binary(BinaryOp.Eq, other);
    public Tensor Ne(double other) => Binary(BinaryOp.Ne, other);
    public Tensor Lt(double other) => Binary(BinaryOp.Lt, other);
    public Tensor Le(double other) => Binary(BinaryOp.Le, other);
    public Tensor Gt(double other) => Binary(BinaryOp.Gt, other);
    public Tensor Ge(double other) => Binary(BinaryOp.Ge, other);

    // Integer scalars keep integer tensors integral (PyTorch's promotion: int64 * 2 -> int64).
    public Tensor Add(long other) => Binary(BinaryOp.Add, other);
    public Tensor Sub(long other) => Binary(BinaryOp.Sub, other);
    public Tensor Mul(long other) => Binary(BinaryOp.Mul, other);
    public Tensor Div(long other) => Binary(BinaryOp.Div, other);
    public Tensor Eq(long other) => Binary(BinaryOp.Eq, other);
    public Tensor Lt(long other) => Binary(BinaryOp.Lt, other);
    public Tensor Gt(long other) => Binary(BinaryOp.Gt, other);

    public Tensor Add_(Tensor other) => BinaryInPlace(BinaryOp.Add, other);
    public Tensor Sub_(Tensor other) => BinaryInPlace(BinaryOp.Sub, other);
    public Tensor Mul_(Tensor other) => BinaryInPlace(BinaryOp.Mul, other);
    public Tensor Div_(Tensor other) => BinaryInPlace(BinaryOp.Div, other);

    public Tensor Neg() => Unary(UnaryOp.Neg);
    public Tensor Abs() => Unary(UnaryOp.Abs);
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);
    public Tensor Exp() => Unary(UnaryOp.Exp);
    public Tensor Log() => Unary(UnaryOp.Log);
    public Tensor Tanh() => Unary(UnaryOp.Tanh);
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor Silu() => Unary(UnaryOp.Silu);
    public Tensor Relu() => Unary(UnaryOp.Relu);
    public Tensor Sin() => Unary(UnaryOp.Sin);
    public Tensor Cos() => Unary(UnaryOp.Cos);
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);

    public Tensor Gelu(GeluApproximation approximate = GeluApproximation.None) =>
        Unary(approximate == GeluApproximation.Tanh ? UnaryOp.GeluTanh : UnaryOp.Gelu);

    public Tensor Clamp(double min, double max) => From(TorchNative.fat_clamp(Handle, min, max));

    public Tensor Matmul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return From(TorchNative.fat_matmul(Handle, other.Handle));
    }

    /// <summary>Batched matrix product: [b, n, m] x [b, m, p] -> [b, n, p].</summary>
    public Tensor Bmm(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return From(TorchNative.fat_bmm(Handle, other.Handle));
    }

    public Tensor Softmax(long dim) => From(TorchNative.fat_softmax(Handle, dim));

    public Tensor LogSoftmax(long dim) => From(TorchNative.fat_log_softmax(Handle, dim));

    public static Tensor operator +(Tensor a, Tensor b) => NotNull(a).Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => NotNull(a).Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => NotNull(a).Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => NotNull(a).Div(b);
    public static Tensor operator +(Tensor a, double b) => NotNull(a).Add(b);
    public static Tensor operator -(Tensor a, double b) => NotNull(a).Sub(b);
    public static Tensor operator *(Tensor a, double b) => NotNull(a).Mul(b);
    public static Tensor operator /(Tensor a, double b) => NotNull(a).Div(b);
    public static Tensor operator +(Tensor a, long b) => NotNull(a).Add(b);
    public static Tensor operator -(Tensor a, long b) => NotNull(a).Sub(b);
    public static Tensor operator *(Tensor a, long b) => NotNull(a).Mul(b);
    public static Tensor operator /(Tensor a, long b) => NotNull(a).Div(b);
    public static Tensor operator -(Tensor a) => NotNull(a).Neg();

    private static Tensor NotNull(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a;
    }

    private Tensor Binary(BinaryOp op, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return From(TorchNative.fat_binary((int)op, Handle, other.Handle));
    }

    private Tensor Binary(BinaryOp op, double other) => From(TorchNative.fat_binary_scalar((int)op, Handle, other));

    private Tensor Binary(BinaryOp op, long other) => From(TorchNative.fat_binary_scalar_i64((int)op, Handle, other));

    private Tensor BinaryInPlace(BinaryOp op, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        TorchNative.Check(TorchNative.fat_binary_((int)op, Handle, other.Handle));
        return this;
    }

    private Tensor Unary(UnaryOp op) => From(TorchNative.fat_unary((int)op, Handle));
}
