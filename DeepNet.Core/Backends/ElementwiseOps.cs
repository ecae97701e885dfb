#nullable enable
namespace DeepNet.Backends;

/// <summary>Unary elementwise ops; arg0/arg1 are the op's scalar parameters where it has any.</summary>
public enum UnaryOp
{
    Negate,
    Abs,
    Square,
    Sqrt,
    /// <summary>1 / sqrt(x).</summary>
    Rsqrt,
    Exp,
    Log,
    /// <summary>log(1 + x), accurate near 0.</summary>
    Log1p,
    Reciprocal,
    Sign,
    Floor,
    Ceil,
    /// <summary>Round half to even, as numpy and TensorFlow do.</summary>
    Round,
    Sin,
    Cos,
    Erf,
    /// <summary>y = clip(x, arg0, arg1).</summary>
    Clip,
    /// <summary>y = x ^ arg0.</summary>
    Pow,
    /// <summary>y = arg0·x + arg1.</summary>
    Affine,
    /// <summary>y = max(x, arg0).</summary>
    MaximumScalar,
    /// <summary>y = min(x, arg0).</summary>
    MinimumScalar,
}

/// <summary>
/// Binary elementwise ops with numpy broadcasting. Comparisons produce 1.0 where true and 0.0
/// where false (float32 masks).
/// </summary>
public enum BinaryOp
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Maximum,
    Minimum,
    Power,
    Equal,
    NotEqual,
    Greater,
    GreaterEqual,
    Less,
    LessEqual,
}

/// <summary>Reductions along axes.</summary>
public enum ReduceOp
{
    Sum,
    Mean,
    Max,
    Min,
    Prod,
}
