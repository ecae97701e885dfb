using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// An orthogonal matrix (Keras <c>Orthogonal</c>, gain 1.0): the weight is seen as a
/// (product of all dims but the last) × (last dim) matrix; a normal matrix of shape
/// (max, min) of those is factored as QR, Q's columns are multiplied by the signs of R's
/// diagonal (making Q unique, hence the same whichever QR algorithm computes it), Q is
/// transposed when the weight has fewer rows than columns, and scaled by <see cref="Gain"/>.
/// The QR runs on the host in double precision; the normal draw uses the backend's generator.
/// </summary>
public sealed class Orthogonal : RandomInitializer
{
    public Orthogonal(double gain = 1.0, int? seed = null) : base(seed) => Gain = gain;

    public double Gain { get; }

    public override string ClassName => "Orthogonal";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckFloat(dtype, ClassName);
        if (shape.Rank < 2)
            throw new ArgumentException($"The tensor to initialize must be at least two-dimensional. Received: shape={shape} of rank {shape.Rank}.", nameof(shape));
        int cols = shape[^1];
        int rows = checked((int)(shape.Size / Math.Max(1, cols)));
        int m = Math.Max(rows, cols), n = Math.Min(rows, cols);

        double[] a;
        using (var draw = Normal(new Shape(m, n), 0.0, 1.0))
        {
            var values = draw.ToArray();
            a = new double[values.Length];
            for (int i = 0; i < a.Length; i++) a[i] = values[i];
        }
        var q = HouseholderQ(a, m, n);

        var result = new float[shape.Size];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            // q is m×n; the weight is rows×cols, so transpose when rows < cols.
            int index = rows < cols ? j * m + i : i * n + j;
            result[index] = (float)(Gain * q[i * n + j]);
        }
        return Tensor.FromArray(result, shape);
    }

    /// <summary>
    /// The thin Q (m×n, row-major) of A = QR for m ≥ n, with columns scaled by sign(R[j, j]) as
    /// Keras does. Householder reflections in double precision.
    /// </summary>
    internal static double[] HouseholderQ(double[] a, int m, int n)
    {
        var r = (double[])a.Clone();
        var vs = new double[n][];
        for (int k = 0; k < n; k++)
        {
            // v = x + sign(x0)·|x|·e0 reflects column k below the diagonal onto e0.
            var v = new double[m - k];
            double norm = 0;
            for (int i = k; i < m; i++) { v[i - k] = r[i * n + k]; norm += v[i - k] * v[i - k]; }
            norm = Math.Sqrt(norm);
            if (norm == 0) { vs[k] = v; continue; }
            v[0] += v[0] >= 0 ? norm : -norm;
            double vv = 0;
            foreach (double x in v) vv += x * x;
            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * r[i * n + j];
                double f = 2 * dot / vv;
                for (int i = k; i < m; i++) r[i * n + j] -= f * v[i - k];
            }
            vs[k] = v;
        }

        // Q = H0·H1·…·H(n-1) applied to the first n columns of the identity.
        var q = new double[m * n];
        for (int j = 0; j < n; j++) q[j * n + j] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k];
            double vv = 0;
            foreach (double x in v) vv += x * x;
            if (vv == 0) continue;
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
                double f = 2 * dot / vv;
                for (int i = k; i < m; i++) q[i * n + j] -= f * v[i - k];
            }
        }

        for (int j = 0; j < n; j++)
        {
            double sign = Math.Sign(r[j * n + j]);
            for (int i = 0; i < m; i++) q[i * n + j] *= sign;
        }
        return q;
    }

    public override JObject GetConfig() => new() { ["seed"] = SeedToken, ["gain"] = Gain };

    public static Orthogonal FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Orthogonal(config.Value<double?>("gain") ?? 1.0, ReadSeed(config));
    }
}
