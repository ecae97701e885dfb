using DeepNet.Keras.Initializers;

namespace DeepNet.Tests.Keras.Initializers;

/// <summary>Orthogonal, Identity, Constant, Zeros and Ones give exactly the matrices Keras defines.</summary>
public class DeterministicInitializerTests
{
    private static double[,] Matrix(float[] values, int rows, int cols)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i, j] = values[i * cols + j];
        return m;
    }

    /// <summary>Max |(MᵀM or MMᵀ) − gain²·I| over the smaller side.</summary>
    private static double OrthogonalityError(double[,] m, double gain)
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        bool columns = rows >= cols;
        int n = columns ? cols : rows, len = columns ? rows : cols;
        double worst = 0;
        for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
        {
            double dot = 0;
            for (int k = 0; k < len; k++) dot += columns ? m[k, a] * m[k, b] : m[a, k] * m[b, k];
            worst = Math.Max(worst, Math.Abs(dot - (a == b ? gain * gain : 0)));
        }
        return worst;
    }

    [TestCase(50, 30, 1.0)]
    [TestCase(30, 50, 1.0)]
    [TestCase(17, 17, 2.5)]
    [TestCase(1, 9, 1.0)]
    public void Orthogonal_IsOrthogonalTimesGain(int rows, int cols, double gain)
    {
        using var t = new Orthogonal(gain, seed: 3).Call(new Shape(rows, cols));
        Assert.That(OrthogonalityError(Matrix(t.ToArray(), rows, cols), gain), Is.LessThan(1e-5 * gain * gain + 1e-6));
    }

    [Test]
    public void Orthogonal_ConvKernel_FlattensAllButTheLastAxis()
    {
        using var t = new Orthogonal(seed: 1).Call(new Shape(3, 3, 4, 8));   // 36 × 8
        Assert.That(t.Shape, Is.EqualTo(new Shape(3, 3, 4, 8)));
        Assert.That(OrthogonalityError(Matrix(t.ToArray(), 36, 8), 1.0), Is.LessThan(1e-5));
    }

    [Test]
    public void Orthogonal_Rank1_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new Orthogonal().Call(new Shape(5)));
        Assert.That(e!.Message, Does.Contain("at least two-dimensional"));
    }

    [Test]
    public void HouseholderQ_MatchesQrWithPositiveDiagonal()
    {
        // R = QᵀA must be upper triangular with a positive diagonal: that pins Q down uniquely.
        var rng = new Random(5);
        int m = 9, n = 6;
        var a = new double[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() * 2 - 1;
        var q = Orthogonal.HouseholderQ(a, m, n);
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
        {
            double r = 0;
            for (int k = 0; k < m; k++) r += q[k * n + i] * a[k * n + j];
            if (i > j) Assert.That(Math.Abs(r), Is.LessThan(1e-12), $"R[{i},{j}] below the diagonal");
            if (i == j) Assert.That(r, Is.GreaterThan(0), $"R[{i},{i}] must be positive");
        }
        // And QR reproduces A.
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double qr = 0;
            for (int k = 0; k < n; k++)
            {
                double r = 0;
                for (int l = 0; l < m; l++) r += q[l * n + k] * a[l * n + j];
                qr += q[i * n + k] * r;
            }
            Assert.That(qr, Is.EqualTo(a[i * n + j]).Within(1e-12));
        }
    }

    [Test]
    public void Identity_NonSquare_HasGainOnTheMainDiagonal()
    {
        using var t = new Identity(gain: 3).Call(new Shape(2, 3));
        Assert.That(t.ToArray(), Is.EqualTo(new float[] { 3, 0, 0, 0, 3, 0 }));
        var e = Assert.Throws<ArgumentException>(() => new Identity().Call(new Shape(2, 2, 2)));
        Assert.That(e!.Message, Does.Contain("2D"));
    }

    [Test]
    public void ConstantZerosOnes_FillTheShape()
    {
        using var c = new Constant(0.25).Call(new Shape(2, 3));
        using var z = new Zeros().Call(new Shape(4));
        using var o = new Ones().Call(new Shape(3, 1));
        using var zi = new Zeros().Call(new Shape(3), DType.Int32);
        Assert.That(c.ToArray(), Is.All.EqualTo(0.25f));
        Assert.That(z.ToArray(), Is.All.EqualTo(0f));
        Assert.That(o.ToArray(), Is.All.EqualTo(1f));
        Assert.That(zi.ToArray<int>(), Is.All.EqualTo(0));
    }
}
