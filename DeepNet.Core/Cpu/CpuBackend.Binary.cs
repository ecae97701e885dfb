#nullable enable
using System.Numerics.Tensors;
using DeepNet.Backends.Cpu.Elementwise;

namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <summary>
    /// y = a op b with numpy broadcasting; y's shape must be the broadcast shape. The shapes are
    /// first collapsed (<see cref="BroadcastLayout"/>), which turns same-shape, scalar, row-vector
    /// ((C,) against (…, C)) and column ((…, 1) against (…, C)) cases into a few long innermost
    /// runs, each one TensorPrimitives call; any other broadcast walks the outer dimensions and
    /// still runs the innermost dimension as a span op. y may be a or b (same shape) in place.
    /// </summary>
    public void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y)
    {
        string name = $"Binary {op}";
        RequireFloat(a, name, "a");
        RequireFloat(b, name, "b");
        RequireFloat(y, name, "y");
        var expected = Shape.Broadcast(a.Shape, b.Shape, name);
        if (y.Shape != expected)
            throw new ShapeMismatchException(name, $"a {a.Shape} and b {b.Shape} broadcast to {expected}, but y is {y.Shape}.");
        if (y.Size == 0) return;

        var layout = new BroadcastLayout(a.Shape, b.Shape, y.Shape);
        int inner = layout.Inner;
        long rows = y.Size / inner;
        // Few long runs (same shape, scalar operand) are cut into pieces so threads can share
        // them; elementwise results do not depend on where the cuts fall.
        int pieces = rows >= Threads ? 1 : Math.Max(1, inner / BinaryPiece);
        ForRanges(rows * pieces, inner / pieces, (start, count) =>
        {
            var sa = Span<float>(a);
            var sb = Span<float>(b);
            var sy = Span<float>(y);
            Span<int> index = stackalloc int[Math.Max(layout.Rank, 1)];
            if (pieces == 1 && inner < ShortRun)
            {
                // Many short runs: a scalar loop beats a TensorPrimitives call per run.
                ShortRuns(op, layout, sa, sb, sy, start, count, index);
                return;
            }
            for (long item = start; item < start + count; item++)
            {
                long r = item / pieces;
                int p = (int)(item % pieces);
                int begin = (int)((long)inner * p / pieces), length = (int)((long)inner * (p + 1) / pieces) - begin;
                layout.RowOffsets(r, index, out long offA, out long offB);
                var runA = layout.InnerA ? sa.Slice((int)offA + begin, length) : sa.Slice((int)offA, 1);
                var runB = layout.InnerB ? sb.Slice((int)offB + begin, length) : sb.Slice((int)offB, 1);
                BinaryRun(op, runA, runB, sy.Slice((int)(r * inner) + begin, length));
            }
        });
    }

    // Below this run length the scalar loop is used.
    private const int ShortRun = 16;

    // Piece length when one long run is split over threads.
    private const int BinaryPiece = 1 << 14;

    private static void ShortRuns(BinaryOp op, BroadcastLayout layout, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y,
        long start, long count, Span<int> index)
    {
        switch (op)
        {
            case BinaryOp.Add: ShortRuns<AddScalar>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Subtract: ShortRuns<SubtractScalar>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Multiply: ShortRuns<MultiplyScalar>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Divide: ShortRuns<DivideScalar>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Maximum: ShortRuns<MaximumScalar>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Minimum: ShortRuns<MinimumScalar>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Power: ShortRuns<PowerScalar>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Equal: ShortRuns<CompareScalar<EqualOp>>(layout, a, b, y, start, count, index); break;
            case BinaryOp.NotEqual: ShortRuns<CompareScalar<NotEqualOp>>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Greater: ShortRuns<CompareScalar<GreaterOp>>(layout, a, b, y, start, count, index); break;
            case BinaryOp.GreaterEqual: ShortRuns<CompareScalar<GreaterEqualOp>>(layout, a, b, y, start, count, index); break;
            case BinaryOp.Less: ShortRuns<CompareScalar<LessOp>>(layout, a, b, y, start, count, index); break;
            case BinaryOp.LessEqual: ShortRuns<CompareScalar<LessEqualOp>>(layout, a, b, y, start, count, index); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown binary op.");
        }
    }

    /// <summary>Runs [start, start + count) of length Inner, walked with an odometer (no division per run).</summary>
    private static void ShortRuns<TOp>(BroadcastLayout layout, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y,
        long start, long count, Span<int> index) where TOp : IBinaryScalar
    {
        int inner = layout.Inner;
        layout.RowOffsets(start, index, out long oa, out long ob);
        int stepA = layout.InnerA ? 1 : 0, stepB = layout.InnerB ? 1 : 0;
        for (long r = start; r < start + count; r++)
        {
            var yr = y.Slice((int)(r * inner), inner);
            int ia = (int)oa, ib = (int)ob;
            for (int j = 0; j < yr.Length; j++, ia += stepA, ib += stepB)
                yr[j] = TOp.Invoke(a[ia], b[ib]);
            layout.NextRow(index, ref oa, ref ob);
        }
    }

    /// <summary>One innermost run; an operand of length 1 against a longer y is a scalar.</summary>
    private static void BinaryRun(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        bool scalarA = a.Length != y.Length, scalarB = b.Length != y.Length;
        if (scalarA && scalarB)
        {
            y.Fill(BinaryScalar(op, a[0], b[0]));
            return;
        }
        switch (op)
        {
            case BinaryOp.Add:
                if (scalarA) TensorPrimitives.Add(b, a[0], y);
                else if (scalarB) TensorPrimitives.Add(a, b[0], y);
                else TensorPrimitives.Add(a, b, y);
                break;
            case BinaryOp.Subtract:
                if (scalarA) TensorPrimitives.Subtract(a[0], b, y);
                else if (scalarB) TensorPrimitives.Subtract(a, b[0], y);
                else TensorPrimitives.Subtract(a, b, y);
                break;
            case BinaryOp.Multiply:
                if (scalarA) TensorPrimitives.Multiply(b, a[0], y);
                else if (scalarB) TensorPrimitives.Multiply(a, b[0], y);
                else TensorPrimitives.Multiply(a, b, y);
                break;
            case BinaryOp.Divide:
                if (scalarA) TensorPrimitives.Divide(a[0], b, y);
                else if (scalarB) TensorPrimitives.Divide(a, b[0], y);
                else TensorPrimitives.Divide(a, b, y);
                break;
            case BinaryOp.Maximum:
                if (scalarA) TensorPrimitives.Max(b, a[0], y);
                else if (scalarB) TensorPrimitives.Max(a, b[0], y);
                else TensorPrimitives.Max(a, b, y);
                break;
            case BinaryOp.Minimum:
                if (scalarA) TensorPrimitives.Min(b, a[0], y);
                else if (scalarB) TensorPrimitives.Min(a, b[0], y);
                else TensorPrimitives.Min(a, b, y);
                break;
            case BinaryOp.Power:
                if (scalarA) TensorPrimitives.Pow(a[0], b, y);
                else if (scalarB) TensorPrimitives.Pow(a, b[0], y);
                else TensorPrimitives.Pow(a, b, y);
                break;
            case BinaryOp.Equal: Compare.Run<EqualOp>(a, b, y); break;
            case BinaryOp.NotEqual: Compare.Run<NotEqualOp>(a, b, y); break;
            case BinaryOp.Greater: Compare.Run<GreaterOp>(a, b, y); break;
            case BinaryOp.GreaterEqual: Compare.Run<GreaterEqualOp>(a, b, y); break;
            case BinaryOp.Less: Compare.Run<LessOp>(a, b, y); break;
            case BinaryOp.LessEqual: Compare.Run<LessEqualOp>(a, b, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown binary op.");
        }
    }

    private static float BinaryScalar(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Subtract => a - b,
        BinaryOp.Multiply => a * b,
        BinaryOp.Divide => a / b,
        BinaryOp.Maximum => MathF.Max(a, b),
        BinaryOp.Minimum => MathF.Min(a, b),
        BinaryOp.Power => MathF.Pow(a, b),
        BinaryOp.Equal => a == b ? 1f : 0f,
        BinaryOp.NotEqual => a != b ? 1f : 0f,
        BinaryOp.Greater => a > b ? 1f : 0f,
        BinaryOp.GreaterEqual => a >= b ? 1f : 0f,
        BinaryOp.Less => a < b ? 1f : 0f,
        BinaryOp.LessEqual => a <= b ? 1f : 0f,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown binary op."),
    };
}
