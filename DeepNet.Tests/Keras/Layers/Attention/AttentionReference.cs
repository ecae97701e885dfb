namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// Float64 attention written from the formulas with plain loops, independent of the layers:
/// multi-head attention with Keras's (dim, heads, key_dim) kernels, and the single-head Luong
/// (dot, concat) and Bahdanau scores. Masks are 0/1 arrays; a masked score is replaced by −1e9
/// (MultiHeadAttention) or lowered by 1e9 (Attention), as Keras does.
/// </summary>
public static class AttentionReference
{
    public sealed record MhaWeights(double[] Wq, double[] Bq, double[] Wk, double[] Bk, double[] Wv, double[] Bv, double[] Wo, double[] Bo);

    /// <summary>
    /// query (B,T,dq), value (B,S,dv), key (B,S,dk); mask (B,T,S) or null. Returns the output
    /// (B,T,dout) and the probabilities (B,H,T,S).
    /// </summary>
    public static (double[] Output, double[] Probs) MultiHead(double[] q, double[] v, double[] k, MhaWeights w,
        int batch, int t, int s, int dq, int dv, int dk, int heads, int keyDim, int valueDim, int dout, double[]? mask)
    {
        var Q = Project(q, w.Wq, w.Bq, batch * t, dq, heads * keyDim);
        var K = Project(k, w.Wk, w.Bk, batch * s, dk, heads * keyDim);
        var V = Project(v, w.Wv, w.Bv, batch * s, dv, heads * valueDim);
        double scale = 1.0 / Math.Sqrt(keyDim);
        var probs = new double[batch * heads * t * s];
        var ctx = new double[batch * t * heads * valueDim];
        var row = new double[s];
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < t; i++)
                {
                    for (int j = 0; j < s; j++)
                    {
                        double dot = 0;
                        for (int e = 0; e < keyDim; e++)
                            dot += Q[((b * t + i) * heads + h) * keyDim + e] * scale * K[((b * s + j) * heads + h) * keyDim + e];
                        row[j] = mask is not null && mask[(b * t + i) * s + j] == 0 ? -1e9 : dot;
                    }
                    var p = Softmax(row);
                    for (int j = 0; j < s; j++) probs[((b * heads + h) * t + i) * s + j] = p[j];
                    for (int f = 0; f < valueDim; f++)
                    {
                        double acc = 0;
                        for (int j = 0; j < s; j++) acc += p[j] * V[((b * s + j) * heads + h) * valueDim + f];
                        ctx[((b * t + i) * heads + h) * valueDim + f] = acc;
                    }
                }
            }
        }
        var output = Project(ctx, w.Wo, w.Bo, batch * t, heads * valueDim, dout);
        return (output, probs);
    }

    /// <summary>rows × (x·W + b) with W flattened row-major as (inDim, outDim).</summary>
    private static double[] Project(double[] x, double[] w, double[]? bias, int rows, int inDim, int outDim)
    {
        var y = new double[rows * outDim];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outDim; o++)
            {
                double acc = bias is null ? 0 : bias[o];
                for (int c = 0; c < inDim; c++) acc += x[r * inDim + c] * w[c * outDim + o];
                y[r * outDim + o] = acc;
            }
        }
        return y;
    }

    public static double[] Softmax(double[] row)
    {
        double max = row.Max();
        var e = row.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    public enum Score { Dot, Concat, Additive }

    /// <summary>
    /// Luong/Bahdanau attention: query (B,Tq,d), value (B,Tv,dv), key (B,Tv,d). scale: null, a
    /// scalar (dot/concat) or (d,) (additive); concatWeight for concat. scoresMask (B,Tq,Tv) or
    /// null; queryMask (B,Tq) or null. Returns output (B,Tq,dv) and weights (B,Tq,Tv).
    /// </summary>
    public static (double[] Output, double[] Weights) Luong(Score mode, double[] q, double[] v, double[] k, double[]? scale,
        double concatWeight, int batch, int tq, int tv, int d, int dv, double[]? scoresMask, double[]? queryMask)
    {
        var output = new double[batch * tq * dv];
        var weights = new double[batch * tq * tv];
        var row = new double[tv];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < tq; i++)
            {
                for (int j = 0; j < tv; j++)
                {
                    double score = 0;
                    for (int e = 0; e < d; e++)
                    {
                        double qe = q[(b * tq + i) * d + e], ke = k[(b * tv + j) * d + e];
                        score += mode switch
                        {
                            Score.Dot => qe * ke,
                            Score.Concat => Math.Tanh((scale?[0] ?? 1.0) * (qe + ke)),
                            _ => (scale?[e] ?? 1.0) * Math.Tanh(qe + ke),
                        };
                    }
                    if (mode == Score.Dot && scale is not null) score *= scale[0];
                    if (mode == Score.Concat) score *= concatWeight;
                    if (scoresMask is not null && scoresMask[(b * tq + i) * tv + j] == 0) score -= 1e9;
                    row[j] = score;
                }
                var p = Softmax(row);
                double keep = queryMask is null ? 1 : queryMask[b * tq + i];
                for (int j = 0; j < tv; j++) weights[(b * tq + i) * tv + j] = p[j];
                for (int f = 0; f < dv; f++)
                {
                    double acc = 0;
                    for (int j = 0; j < tv; j++) acc += p[j] * v[(b * tv + j) * dv + f];
                    output[(b * tq + i) * dv + f] = acc * keep;
                }
            }
        }
        return (output, weights);
    }
}
