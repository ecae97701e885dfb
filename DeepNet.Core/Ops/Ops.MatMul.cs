#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

// Matrix products on the backend GEMM. With C = op(A)·op(B):
//   dA = dC·op(B)ᵀ (transposed back when A was given transposed),
//   dB = op(A)ᵀ·dC (likewise), summed over the batch when B is shared.
public static partial class Ops
{
    /// <summary>
    /// op(a)·op(b) where op transposes the last two axes when asked. Ranks: (M,K)·(K,N);
    /// batched (…,M,K)·(…,K,N) with equal leading dimensions; or (…,M,K)·(K,N) with b shared by
    /// every batch entry.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        SameBackend("MatMul", a, b);
        CheckFloat("MatMul", a, "a");
        CheckFloat("MatMul", b, "b");
        if (a.Rank < 2 || b.Rank < 2 || (b.Rank > 2 && b.Rank != a.Rank))
            throw new ShapeMismatchException("MatMul", $"needs a rank ≥ 2 a and a rank-2 b or b of a's rank; got a {a.Shape} and b {b.Shape}.");
        int m = transposeA ? a.Shape[-1] : a.Shape[-2];
        int k = transposeA ? a.Shape[-2] : a.Shape[-1];
        int kb = transposeB ? b.Shape[-1] : b.Shape[-2];
        int n = transposeB ? b.Shape[-2] : b.Shape[-1];
        if (k != kb)
            throw new ShapeMismatchException("MatMul", $"a {a.Shape}{(transposeA ? " (transposed)" : "")} has {k} columns but b {b.Shape}{(transposeB ? " (transposed)" : "")} has {kb} rows.");
        for (int i = 0; b.Rank > 2 && i < a.Rank - 2; i++)
        {
            if (a.Shape[i] != b.Shape[i])
                throw new ShapeMismatchException("MatMul", $"batch dimensions of a {a.Shape} and b {b.Shape} differ.");
        }

        var outDims = a.Shape.ToArray();
        outDims[^2] = m;
        outDims[^1] = n;
        var y = NewLike(a, new Shape(outDims));
        using (var a3 = AsBatch(a))
        using (var b3 = b.Rank > 2 ? AsBatch(b) : b.Reshape(b.Shape))
        using (var y3 = AsBatch(y))
        {
            a.Backend.Gemm(a3, b3, y3, transposeA, transposeB);
        }

        if (Recording)
        {
            GradientTape.Record("MatMul", y, [a, b], (dy, want) =>
            {
                Tensor? da = null, db = null;
                using var A = AsBatch(a);
                using var B = b.Rank > 2 ? AsBatch(b) : b.Reshape(b.Shape);
                using var dC = AsBatch(dy);
                bool shared = b.Rank == 2 && a.Rank > 2;
                if (want[0])
                {
                    Tensor g;
                    if (!transposeA) g = Gemm(dC, B, false, !transposeB);
                    else if (!shared) g = Gemm(B, dC, transposeB, true);
                    else
                    {
                        using var gt = Gemm(dC, B, false, !transposeB);   // dAᵀ, per batch entry
                        g = TransposeKernel(gt, [0, 2, 1]);
                    }
                    da = ReshapeOwned(g, a.Shape);
                }
                if (want[1])
                {
                    if (!shared)
                        db = ReshapeOwned(transposeB ? Gemm(dC, A, true, transposeA) : Gemm(A, dC, !transposeA, false), b.Shape);
                    else if (!transposeA)
                    {
                        // Fold the batch into the rows: one GEMM sums over it.
                        using var A2 = a.Reshape(-1, a.Shape[-1]);
                        using var dC2 = dy.Reshape(-1, dy.Shape[-1]);
                        db = transposeB ? Gemm(dC2, A2, true, false) : Gemm(A2, dC2, true, false);
                    }
                    else
                    {
                        using var perBatch = transposeB ? Gemm(dC, A, true, true) : Gemm(A, dC, false, false);
                        db = ReshapeOwned(Sum(perBatch, [0]), b.Shape);
                    }
                }
                return [da, db];
            });
        }
        return y;
    }

    /// <summary>A rank-3 view (batch, rows, cols) of a rank ≥ 2 tensor; rank 2 stays rank 2.</summary>
    private static Tensor AsBatch(Tensor t) =>
        t.Rank <= 3 ? t.Reshape(t.Shape) : t.Reshape(-1, t.Shape[-2], t.Shape[-1]);

    /// <summary>Raw GEMM into a new tensor (rank 2 or rank-3 batched).</summary>
    private static Tensor Gemm(Tensor a, Tensor b, bool transposeA, bool transposeB)
    {
        int m = transposeA ? a.Shape[-1] : a.Shape[-2];
        int n = transposeB ? b.Shape[-2] : b.Shape[-1];
        var dims = a.Shape.ToArray();
        if (b.Rank > a.Rank) dims = b.Shape.ToArray();
        dims[^2] = m;
        dims[^1] = n;
        var c = NewLike(a, new Shape(dims));
        a.Backend.Gemm(a, b, c, transposeA, transposeB);
        return c;
    }
}
