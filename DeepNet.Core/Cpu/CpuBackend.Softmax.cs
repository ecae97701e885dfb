#nullable enable
using System.Numerics.Tensors;

namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <summary>
    /// Softmax or log-softmax along the last axis, each row shifted by its max first so exp
    /// never overflows. A row holding +∞, or only −∞, gives NaN, as TensorFlow does. x may be y.
    /// </summary>
    public void Softmax(Tensor x, Tensor y, bool log)
    {
        string name = log ? "LogSoftmax" : "Softmax";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        RequireSameShape(name, "x", x, "y", y);
        if (x.Rank == 0) throw new ShapeMismatchException(name, $"x {x.Shape} needs at least one axis.");
        int cols = x.Shape[-1];
        if (cols == 0 || x.Size == 0) return;
        ForRanges(x.Size / cols, cols * 4L, (start, count) =>
        {
            var sx = Span<float>(x);
            var sy = Span<float>(y);
            Span<float> scratch = stackalloc float[256];
            for (long r = start; r < start + count; r++)
            {
                var xr = sx.Slice((int)(r * cols), cols);
                var yr = sy.Slice((int)(r * cols), cols);
                float max = TensorPrimitives.Max(xr);
                if (log)
                {
                    // y = x − max − log Σ exp(x − max); the exps go through a stack scratch.
                    TensorPrimitives.Subtract(xr, max, yr);
                    double sum = 0;
                    for (int i = 0; i < cols; i += scratch.Length)
                    {
                        int n = Math.Min(scratch.Length, cols - i);
                        TensorPrimitives.Exp(yr.Slice(i, n), scratch[..n]);
                        sum += TensorPrimitives.Sum<float>(scratch[..n]);
                    }
                    TensorPrimitives.Subtract(yr, (float)Math.Log(sum), yr);
                }
                else
                {
                    TensorPrimitives.Subtract(xr, max, yr);
                    TensorPrimitives.Exp(yr, yr);
                    float sum = (float)BlockedSum(yr);
                    TensorPrimitives.Divide(yr, sum, yr);
                }
            }
        });
    }

    /// <summary>
    /// Softmax: dx = y·(dy − Σ dy·y). Log-softmax (y = log-probabilities): dx = dy − exp(y)·Σ dy.
    /// Sums run along the last axis; dx may be y or dy.
    /// </summary>
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log)
    {
        string name = log ? "LogSoftmaxBackward" : "SoftmaxBackward";
        RequireFloat(y, name, "y");
        RequireFloat(dy, name, "dy");
        RequireFloat(dx, name, "dx");
        RequireSameShape(name, "y", y, "dy", dy);
        RequireSameShape(name, "y", y, "dx", dx);
        if (y.Rank == 0) throw new ShapeMismatchException(name, $"y {y.Shape} needs at least one axis.");
        int cols = y.Shape[-1];
        if (cols == 0 || y.Size == 0) return;
        ForRanges(y.Size / cols, cols * 4L, (start, count) =>
        {
            var sy = Span<float>(y);
            var sdy = Span<float>(dy);
            var sdx = Span<float>(dx);
            Span<float> scratch = stackalloc float[256];
            for (long r = start; r < start + count; r++)
            {
                var yr = sy.Slice((int)(r * cols), cols);
                var dyr = sdy.Slice((int)(r * cols), cols);
                var dxr = sdx.Slice((int)(r * cols), cols);
                if (log)
                {
                    float total = (float)BlockedSum(dyr);
                    // Block by block: exp(y) into scratch, then dx = scratch·(−Σdy) + dy in one pass.
                    for (int i = 0; i < cols; i += scratch.Length)
                    {
                        int n = Math.Min(scratch.Length, cols - i);
                        TensorPrimitives.Exp(yr.Slice(i, n), scratch[..n]);
                        TensorPrimitives.MultiplyAdd(scratch[..n], -total, dyr.Slice(i, n), dxr.Slice(i, n));
                    }
                }
                else
                {
                    float dot = TensorPrimitives.Dot(dyr, yr);
                    // (dy − dot)·y in one fused pass, so dx may alias either input.
                    TensorPrimitives.AddMultiply(dyr, -dot, yr, dxr);
                }
            }
        });
    }

    /// <summary>
    /// Sum of a span as float blocks of fixed size added in double: accurate for long spans, and
    /// the same for the same data whatever the thread count.
    /// </summary>
    private static double BlockedSum(ReadOnlySpan<float> values)
    {
        const int Block = 1024;
        double sum = 0;
        for (int i = 0; i < values.Length; i += Block)
            sum += TensorPrimitives.Sum(values.Slice(i, Math.Min(Block, values.Length - i)));
        return sum;
    }
}
