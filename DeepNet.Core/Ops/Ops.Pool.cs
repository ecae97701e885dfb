#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

// Pooling over NHWC windows; 1-D pooling is 2-D pooling with height 1, 3-D pooling is 2-D pooling of
// every depth plane, then 1-D pooling across the planes. The backend's PoolBackward routes the
// gradient to the maximum (max) or spreads it over the cells inside the input (average).
public static partial class Ops
{
    /// <summary>Max pooling of x (N, H, W, C); strides default to the pool size, as in Keras.</summary>
    public static Tensor MaxPool2D(Tensor x, (int H, int W) poolSize, (int H, int W)? strides = null, Padding padding = Padding.Valid) =>
        Pool2D("MaxPool2D", PoolKind.Max, x, poolSize, strides, padding);

    /// <summary>Average pooling of x (N, H, W, C); padded cells are not counted (as TensorFlow).</summary>
    public static Tensor AvgPool2D(Tensor x, (int H, int W) poolSize, (int H, int W)? strides = null, Padding padding = Padding.Valid) =>
        Pool2D("AvgPool2D", PoolKind.Average, x, poolSize, strides, padding);

    /// <summary>Max pooling of x (N, L, C).</summary>
    public static Tensor MaxPool1D(Tensor x, int poolSize, int? stride = null, Padding padding = Padding.Valid) =>
        Pool1D("MaxPool1D", PoolKind.Max, x, poolSize, stride, padding);

    /// <summary>Average pooling of x (N, L, C).</summary>
    public static Tensor AvgPool1D(Tensor x, int poolSize, int? stride = null, Padding padding = Padding.Valid) =>
        Pool1D("AvgPool1D", PoolKind.Average, x, poolSize, stride, padding);

    /// <summary>Max pooling of x (N, D, H, W, C); strides default to the pool size.</summary>
    public static Tensor MaxPool3D(Tensor x, (int D, int H, int W) poolSize, (int D, int H, int W)? strides = null, Padding padding = Padding.Valid) =>
        Pool3D("MaxPool3D", PoolKind.Max, x, poolSize, strides, padding);

    /// <summary>Average pooling of x (N, D, H, W, C); padded cells are not counted (as TensorFlow).</summary>
    public static Tensor AvgPool3D(Tensor x, (int D, int H, int W) poolSize, (int D, int H, int W)? strides = null, Padding padding = Padding.Valid) =>
        Pool3D("AvgPool3D", PoolKind.Average, x, poolSize, strides, padding);

    /// <summary>
    /// A 3-D window is a depth interval times a 2-D window, and so is its part inside the input:
    /// the max of maxima is the max, and the mean over depth of 2-D means (each over its cells
    /// inside the input) divides by exactly the cells of the 3-D window inside the input.
    /// </summary>
    private static Tensor Pool3D(string op, PoolKind kind, Tensor x, (int D, int H, int W) poolSize, (int D, int H, int W)? strides, Padding padding)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckRank(op, x, 5);
        var s = strides ?? poolSize;
        int n = x.Shape[0], depth = x.Shape[1], c = x.Shape[4];
        var images = Reshape(x, n * depth, x.Shape[2], x.Shape[3], c);
        var planes = Pool2D(op, kind, images, (poolSize.H, poolSize.W), (s.H, s.W), padding);
        int oh = planes.Shape[1], ow = planes.Shape[2];
        // Depth as the height of an (N, D, OH·OW, C) image pooled with windows of width 1.
        var columns = Reshape(planes, n, depth, oh * ow, c);
        var pooled = Pool2D(op, kind, columns, (poolSize.D, 1), (s.D, 1), padding);
        var y = Reshape(pooled, n, pooled.Shape[1], oh, ow, c);
        Release(images);
        Release(planes);
        Release(columns);
        Release(pooled);
        return y;
    }

    private static Tensor Pool1D(string op, PoolKind kind, Tensor x, int poolSize, int? stride, Padding padding)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckRank(op, x, 3);
        var x4 = Reshape(x, x.Shape[0], 1, x.Shape[1], x.Shape[2]);
        var y4 = Pool2D(op, kind, x4, (1, poolSize), (1, stride ?? poolSize), padding);
        var y = Reshape(y4, y4.Shape[0], y4.Shape[2], y4.Shape[3]);
        Release(x4);
        Release(y4);
        return y;
    }

    private static Tensor Pool2D(string op, PoolKind kind, Tensor x, (int H, int W) poolSize, (int H, int W)? strides, Padding padding)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFloat(op, x);
        CheckRank(op, x, 4);
        if (padding == Padding.Causal) throw new ArgumentException($"{op}: padding must be 'valid' or 'same'.", nameof(padding));
        if (poolSize.H < 1 || poolSize.W < 1) throw new ArgumentException($"{op}: pool size must be positive; got {poolSize}.", nameof(poolSize));
        var spec = PoolSpec.Create(kind, x.Shape[1], x.Shape[2], poolSize, strides ?? poolSize, padding);
        var y = NewLike(x, new Shape(x.Shape[0], spec.OutputHeight(x.Shape[1]), spec.OutputWidth(x.Shape[2]), x.Shape[3]));
        x.Backend.PoolForward(x, y, spec);
        if (Recording)
        {
            GradientTape.Record(op, y, [x], (dy, _) =>
            {
                var dx = NewLike(x, x.Shape);
                x.Backend.PoolBackward(x, y, dy, dx, spec);
                return [dx];
            });
        }
        return y;
    }
}
