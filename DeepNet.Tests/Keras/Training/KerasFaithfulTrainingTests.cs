using DeepNet.Keras;
using DeepNet.Keras.Datasets;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Training;

/// <summary>
/// The whole training path (Fit's batching, the fused Dense kernels, softmax cross-entropy,
/// Keras 3's RMSprop with epsilon inside the square root) against an independent float64
/// reference of the same training, written out below with plain loops. Dropout is left out
/// and shuffling off, so both runs see the same batches and the comparison is exact up to
/// float32 rounding.
/// </summary>
public class KerasFaithfulTrainingTests
{
    private const int Samples = 1024, Batch = 128, Hidden = 512, Classes = 10, Features = 784;

    [Test]
    public void MnistMlpWithoutDropout_OneEpochOfRmsprop_MatchesFloat64Reference()
    {
        string dir = TestPaths.SharedFile("datasets", "mnist");
        if (!File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"))) Assert.Ignore($"MNIST files are not in {dir}.");
        KerasSession.ClearSession();
        KerasRandom.SetSeed(5);
        var t10k = Mnist.LoadTestOnly(dir);
        float[] x = Mnist.ToFloatRows(t10k, 0, Samples), y = Mnist.ToOneHot(t10k, 0, Samples);
        float[] xTest = Mnist.ToFloatRows(t10k, 8000, 200);

        var model = new Sequential();
        model.Add(new Dense(Hidden, activation: "relu") { InputShape = [Features] });
        model.Add(new Dense(Hidden, activation: "relu"));
        model.Add(new Dense(Classes, activation: "softmax"));
        model.Compile(loss: "categorical_crossentropy", optimizer: new RMSprop());
        var weights = model.GetWeights().Select(w => w.ToArray().Select(v => (double)v).ToArray()).ToArray();

        using var xs = Tensor.FromArray(x, new Shape(Samples, Features));
        using var ys = Tensor.FromArray(y, new Shape(Samples, Classes));
        var history = model.Fit(xs, ys, batchSize: Batch, epochs: 1, verbose: 0, shuffle: false);
        using var xt = Tensor.FromArray(xTest, new Shape(200, Features));
        var predicted = model.Predict(xt, verbose: 0).ToArray();

        double referenceLoss = ReferenceEpoch(weights, x, y);
        var expected = ReferenceForward(weights, xTest, 200).probabilities;

        // Keras's epoch loss is the mean of the batch losses (equal batches here).
        Assert.That(history["loss"][0], Is.EqualTo(referenceLoss).Within(1e-5 * referenceLoss));
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(predicted[i] - expected[i]));
        TestContext.Out.WriteLine($"epoch loss {history["loss"][0]:F6} vs float64 {referenceLoss:F6}; largest probability difference {worst:E2}");
        Assert.That(worst, Is.LessThan(1e-5), "test-set probabilities after the epoch (float32 rounding only)");
    }

    // One epoch of Keras 3 RMSprop (rho 0.9, epsilon 1e-7 inside the sqrt, lr 1e-3) in float64;
    // returns the mean batch loss and leaves the trained weights in w.
    private static double ReferenceEpoch(double[][] w, float[] x, float[] y)
    {
        var velocity = w.Select(p => new double[p.Length]).ToArray();
        double lossSum = 0;
        int batches = 0;
        for (int start = 0; start < Samples; start += Batch, batches++)
        {
            var xb = x.AsSpan(start * Features, Batch * Features).ToArray();
            var (h1, h2, p) = ReferenceForward(w, xb, Batch);
            var dz = new double[Batch * Classes];
            for (int n = 0; n < Batch; n++)
            {
                for (int c = 0; c < Classes; c++)
                {
                    double label = y[(start + n) * Classes + c];
                    if (label > 0) lossSum -= label * Math.Log(p[n * Classes + c]) / Batch;
                    dz[n * Classes + c] = (p[n * Classes + c] - label) / Batch;
                }
            }
            var (g4, g5, dh2) = DenseBackward(h2, w[4], dz, Batch, Hidden, Classes);
            Relu(dh2, h2);
            var (g2, g3, dh1) = DenseBackward(h1, w[2], dh2, Batch, Hidden, Hidden);
            Relu(dh1, h1);
            var (g0, g1, _) = DenseBackward(xb.Select(v => (double)v).ToArray(), w[0], dh1, Batch, Features, Hidden);
            var grads = new[] { g0, g1, g2, g3, g4, g5 };
            for (int k = 0; k < w.Length; k++)
            {
                for (int i = 0; i < w[k].Length; i++)
                {
                    double g = grads[k][i];
                    velocity[k][i] = 0.9 * velocity[k][i] + 0.1 * g * g;
                    w[k][i] -= 1e-3 * g / Math.Sqrt(velocity[k][i] + 1e-7);
                }
            }
        }
        return lossSum / batches;
    }

    private static (double[] h1, double[] h2, double[] probabilities) ReferenceForward(double[][] w, float[] x, int rows)
    {
        var h1 = Dense(x.Select(v => (double)v).ToArray(), w[0], w[1], rows, Features, Hidden);
        for (int i = 0; i < h1.Length; i++) h1[i] = Math.Max(h1[i], 0);
        var h2 = Dense(h1, w[2], w[3], rows, Hidden, Hidden);
        for (int i = 0; i < h2.Length; i++) h2[i] = Math.Max(h2[i], 0);
        var z = Dense(h2, w[4], w[5], rows, Hidden, Classes);
        for (int n = 0; n < rows; n++)
        {
            var row = z.AsSpan(n * Classes, Classes);
            double max = double.NegativeInfinity, sum = 0;
            foreach (var v in row) max = Math.Max(max, v);
            for (int c = 0; c < Classes; c++) sum += row[c] = Math.Exp(row[c] - max);
            for (int c = 0; c < Classes; c++) row[c] /= sum;
        }
        return (h1, h2, z);
    }

    private static double[] Dense(double[] x, double[] kernel, double[] bias, int rows, int inputs, int units)
    {
        var z = new double[rows * units];
        for (int n = 0; n < rows; n++)
        {
            var zRow = z.AsSpan(n * units, units);
            bias.CopyTo(zRow);
            for (int i = 0; i < inputs; i++)
            {
                double xi = x[n * inputs + i];
                if (xi == 0) continue;
                var kRow = kernel.AsSpan(i * units, units);
                for (int u = 0; u < units; u++) zRow[u] += xi * kRow[u];
            }
        }
        return z;
    }

    // Gradients of z = x·kernel + bias given dz: (d kernel, d bias, d x).
    private static (double[] dKernel, double[] dBias, double[] dx) DenseBackward(double[] x, double[] kernel, double[] dz, int rows, int inputs, int units)
    {
        var dKernel = new double[inputs * units];
        var dBias = new double[units];
        var dx = new double[rows * inputs];
        for (int n = 0; n < rows; n++)
        {
            var dzRow = dz.AsSpan(n * units, units);
            for (int u = 0; u < units; u++) dBias[u] += dzRow[u];
            for (int i = 0; i < inputs; i++)
            {
                double xi = x[n * inputs + i], sum = 0;
                var kRow = kernel.AsSpan(i * units, units);
                var gRow = dKernel.AsSpan(i * units, units);
                for (int u = 0; u < units; u++)
                {
                    gRow[u] += xi * dzRow[u];
                    sum += kRow[u] * dzRow[u];
                }
                dx[n * inputs + i] = sum;
            }
        }
        return (dKernel, dBias, dx);
    }

    // Backward through relu: the gradient passes where the activation was positive.
    private static void Relu(double[] grad, double[] activation)
    {
        for (int i = 0; i < grad.Length; i++) if (activation[i] <= 0) grad[i] = 0;
    }
}
