#nullable enable
namespace DeepNet.Backends.Cpu;

/// <summary>Sizes of one NHWC pooling, checked against x (N, H, W, C) and y (N, OH, OW, C).</summary>
internal readonly struct PoolGeometry
{
    public readonly int N, H, W, C, OH, OW;
    public readonly int PoolH, PoolW, StrideH, StrideW, PadTop, PadLeft;

    private PoolGeometry(Shape x, Shape y, in PoolSpec spec)
    {
        N = x[0]; H = x[1]; W = x[2]; C = x[3];
        OH = y[1]; OW = y[2];
        PoolH = spec.PoolH; PoolW = spec.PoolW;
        StrideH = spec.StrideH; StrideW = spec.StrideW;
        PadTop = spec.PadTop; PadLeft = spec.PadLeft;
    }

    /// <summary>The input cells [h0, h1) × [w0, w1) of an output pixel's window, clipped to the input.</summary>
    public (int H0, int H1, int W0, int W1) Window(int oh, int ow)
    {
        int hs = oh * StrideH - PadTop, ws = ow * StrideW - PadLeft;
        return (Math.Max(hs, 0), Math.Min(hs + PoolH, H), Math.Max(ws, 0), Math.Min(ws + PoolW, W));
    }

    public static PoolGeometry Create(string op, Tensor x, Tensor y, in PoolSpec spec)
    {
        if (x.Rank != 4)
            throw new ShapeMismatchException(op, $"x must be rank 4 (N, H, W, C), got x {x.Shape}.");
        if (spec.PoolH < 1 || spec.PoolW < 1 || spec.StrideH < 1 || spec.StrideW < 1
            || spec.PadTop < 0 || spec.PadBottom < 0 || spec.PadLeft < 0 || spec.PadRight < 0)
            throw new ArgumentException($"{op}: invalid pooling spec {spec}.");
        int oh = spec.OutputHeight(x.Shape[1]), ow = spec.OutputWidth(x.Shape[2]);
        if (y.Rank != 4 || y.Shape[0] != x.Shape[0] || y.Shape[1] != oh || y.Shape[2] != ow || y.Shape[3] != x.Shape[3])
            throw new ShapeMismatchException(op, $"x {x.Shape} pooled by {spec.PoolH}×{spec.PoolW} gives ({x.Shape[0]}, {oh}, {ow}, {x.Shape[3]}), got y {y.Shape}.");
        x.CheckDType(DType.Float32, op);
        y.CheckDType(DType.Float32, op);
        return new PoolGeometry(x.Shape, y.Shape, spec);
    }

    public static void CheckSame(string op, string name, Tensor t, string otherName, Tensor other)
    {
        if (!t.Shape.Equals(other.Shape))
            throw new ShapeMismatchException(op, $"{name} {t.Shape} must have the shape of {otherName} {other.Shape}.");
        t.CheckDType(DType.Float32, op);
    }
}
