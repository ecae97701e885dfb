#nullable enable
namespace DeepNet.Backends;

public enum PoolKind
{
    Max,

    /// <summary>Average over the cells inside the input (padded cells excluded, as TensorFlow does).</summary>
    Average,
}

/// <summary>Geometry of a 2-D pooling window over NHWC tensors (1-D pooling uses height 1).</summary>
public readonly record struct PoolSpec(
    PoolKind Kind,
    int PoolH, int PoolW,
    int StrideH, int StrideW,
    int PadTop, int PadBottom, int PadLeft, int PadRight)
{
    /// <summary>Spec for an input of (height, width), Keras-style ('valid' or 'same').</summary>
    public static PoolSpec Create(PoolKind kind, int height, int width, (int H, int W) pool, (int H, int W) strides, Padding padding)
    {
        var (_, top, bottom) = PaddingMath.Compute(height, pool.H, strides.H, 1, padding);
        var (_, left, right) = PaddingMath.Compute(width, pool.W, strides.W, 1, padding);
        return new PoolSpec(kind, pool.H, pool.W, strides.H, strides.W, top, bottom, left, right);
    }

    public int OutputHeight(int height) => Math.Max(0, (height + PadTop + PadBottom - PoolH) / StrideH + 1);

    public int OutputWidth(int width) => Math.Max(0, (width + PadLeft + PadRight - PoolW) / StrideW + 1);
}
