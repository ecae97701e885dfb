using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Training;

/// <summary>
/// Fit, Evaluate and the *OnBatch functions weigh a model output's mask into the loss and the
/// metrics as Keras 3 does (y_pred's mask as sample weight; the loss averages over the valid
/// entries; the loss tracker weighs batches by their size). Expected values are float64
/// evaluations of the model and of Keras's formulas.
/// </summary>
public class MaskedTrainingTests
{
    private const int V = 7, E = 3, C = 4, T = 5;

    // Pre-padded token rows (0 is padding) and their class labels; labels on padding are arbitrary.
    private static readonly int[,] Tokens =
    {
        { 3, 1, 4, 1, 5 },
        { 0, 0, 2, 6, 5 },
        { 0, 0, 0, 0, 3 },
        { 0, 6, 2, 2, 1 },
        { 0, 0, 0, 0, 0 },
    };

    private static readonly int[,] Labels =
    {
        { 0, 1, 2, 3, 0 },
        { 3, 3, 1, 0, 2 },
        { 1, 2, 0, 1, 3 },
        { 2, 0, 3, 3, 1 },
        { 0, 1, 2, 1, 0 },
    };

    [SetUp]
    public void Setup()
    {
        KerasSession.ClearSession();
        KerasRandom.SetSeed(3);
    }

    private sealed record Weights(double[] Embeddings, double[] Kernel, double[] Bias);

    private static Weights RandomWeights()
    {
        var rng = new Random(5);
        double[] Draw(int n, double scale) => Enumerable.Range(0, n).Select(_ => (double)(float)(scale * (2 * rng.NextDouble() - 1))).ToArray();
        return new Weights(Draw(V * E, 1.0), Draw(E * C, 1.0), Draw(C, 0.3));
    }

    /// <summary>Embedding(mask_zero) → TimeDistributed(Dense(C, softmax)) with the given weights.</summary>
    private static Sequential MaskedModel(Weights w, Optimizer optimizer)
    {
        var model = new Sequential();
        model.Add(new Embedding(V, E, maskZero: true) { InputShape = [T] });
        model.Add(new TimeDistributed(new Dense(C, activation: "softmax")));
        model.Compile(optimizer: optimizer, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        model.SetWeights([ToFloat(w.Embeddings), ToFloat(w.Kernel), ToFloat(w.Bias)]);
        return model;
    }

    private static float[] ToFloat(double[] v) => v.Select(x => (float)x).ToArray();

    private static Tensor X(int first, int count)
    {
        var data = new float[count * T];
        for (int n = 0; n < count; n++)
            for (int t = 0; t < T; t++) data[n * T + t] = Tokens[first + n, t];
        return Tensor.FromArray(data, new Shape(count, T));
    }

    private static Tensor Y(int first, int count)
    {
        var data = new float[count * T];
        for (int n = 0; n < count; n++)
            for (int t = 0; t < T; t++) data[n * T + t] = Labels[first + n, t];
        return Tensor.FromArray(data, new Shape(count, T));
    }

    /// <summary>Softmax probabilities of the model for sample n, timestep t, in float64.</summary>
    private static double[] Probabilities(Weights w, int n, int t)
    {
        int token = Tokens[n, t];
        var z = new double[C];
        for (int c = 0; c < C; c++)
        {
            z[c] = w.Bias[c];
            for (int e = 0; e < E; e++) z[c] += w.Embeddings[token * E + e] * w.Kernel[e * C + c];
        }
        double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
        return z.Select(v => Math.Exp(v - max) / sum).ToArray();
    }

    /// <summary>Keras's masked sum_over_batch_size cross-entropy of samples first..first+count−1, with per-sample weights.</summary>
    private static double MaskedLoss(Weights w, int first, int count, double[]? sampleWeight = null)
    {
        double sum = 0, valid = 0;
        for (int n = first; n < first + count; n++)
        {
            for (int t = 0; t < T; t++)
            {
                if (Tokens[n, t] == 0) continue;
                sum += -Math.Log(Probabilities(w, n, t)[Labels[n, t]]) * (sampleWeight?[n - first] ?? 1);
                valid++;
            }
        }
        return valid == 0 ? 0 : sum / valid;
    }

    /// <summary>Σ over samples of mean_t(match·mask) and of mean_t(mask): Keras's Mean total and count.</summary>
    private static (double Total, double Count) MaskedAccuracy(Weights w, int first, int count)
    {
        double total = 0, countSum = 0;
        for (int n = first; n < first + count; n++)
        {
            double v = 0, m = 0;
            for (int t = 0; t < T; t++)
            {
                if (Tokens[n, t] == 0) continue;
                var p = Probabilities(w, n, t);
                int argmax = Array.IndexOf(p, p.Max());
                v += argmax == Labels[n, t] ? 1 : 0;
                m += 1;
            }
            total += v / T;
            countSum += m / T;
        }
        return (total, countSum);
    }

    [Test]
    public void TestOnBatch_EmbeddingMaskThroughTimeDistributed_LossAndAccuracyIgnorePadding()
    {
        var w = RandomWeights();
        var model = MaskedModel(w, new SGD());
        var logs = model.TestOnBatch(X(0, 4), Y(0, 4));
        double expectedLoss = MaskedLoss(w, 0, 4);
        var (total, count) = MaskedAccuracy(w, 0, 4);
        Assert.That(logs["loss"], Is.EqualTo(expectedLoss).Within(1e-5 * expectedLoss));
        Assert.That(logs["accuracy"], Is.EqualTo(total / count).Within(1e-9));
    }

    [Test]
    public void TestOnBatch_PerSampleWeightsAndMask_WeighTheValidTimestepsOfEachSample()
    {
        var w = RandomWeights();
        var model = MaskedModel(w, new SGD());
        double[] sampleWeight = [0.5, 2.0, 1.5, 0.25];
        var logs = model.TestOnBatch(X(0, 4), Y(0, 4), Tensor.FromArray(ToFloat(sampleWeight), new Shape(4)));
        double expected = MaskedLoss(w, 0, 4, sampleWeight);
        Assert.That(logs["loss"], Is.EqualTo(expected).Within(1e-5 * expected));
    }

    [Test]
    public void Evaluate_SeveralBatchesWithAFullyPaddedSample_AveragesBatchLossesBySizeAndAccuracyByKerasMean()
    {
        var w = RandomWeights();
        var model = MaskedModel(w, new SGD());
        var result = model.Evaluate(X(0, 5), Y(0, 5), batchSize: 3, verbose: 0);
        // The loss tracker weighs each batch's (masked) loss by its number of samples.
        double expectedLoss = (MaskedLoss(w, 0, 3) * 3 + MaskedLoss(w, 3, 2) * 2) / 5;
        var (t1, c1) = MaskedAccuracy(w, 0, 3);
        var (t2, c2) = MaskedAccuracy(w, 3, 2);
        Assert.That(result["loss"], Is.EqualTo(expectedLoss).Within(1e-5 * expectedLoss));
        Assert.That(result["accuracy"], Is.EqualTo((t1 + t2) / (c1 + c2)).Within(1e-9));
    }

    [Test]
    public void TrainOnBatch_Sgd_StepsAlongTheMaskedGradientAndLeavesThePaddingRowAlone()
    {
        var w = RandomWeights();
        const double lr = 0.5;
        var model = MaskedModel(w, new SGD(learningRate: lr));
        const int count = 4;
        var logs = model.TrainOnBatch(X(0, count), Y(0, count));

        // dL/dz = mask·(p − onehot)/valid for L = Σ mask·CE / valid.
        double valid = 0;
        for (int n = 0; n < count; n++) for (int t = 0; t < T; t++) valid += Tokens[n, t] != 0 ? 1 : 0;
        var dKernel = new double[E * C];
        var dBias = new double[C];
        var dEmbeddings = new double[V * E];
        for (int n = 0; n < count; n++)
        {
            for (int t = 0; t < T; t++)
            {
                int token = Tokens[n, t];
                if (token == 0) continue;
                var p = Probabilities(w, n, t);
                for (int c = 0; c < C; c++)
                {
                    double dz = (p[c] - (c == Labels[n, t] ? 1 : 0)) / valid;
                    dBias[c] += dz;
                    for (int e = 0; e < E; e++)
                    {
                        dKernel[e * C + c] += w.Embeddings[token * E + e] * dz;
                        dEmbeddings[token * E + e] += w.Kernel[e * C + c] * dz;
                    }
                }
            }
        }
        var after = model.GetWeights();
        KerasTestUtil.AssertClose(after[0].ToArray(), w.Embeddings.Select((v, i) => v - lr * dEmbeddings[i]).ToArray());
        KerasTestUtil.AssertClose(after[1].ToArray(), w.Kernel.Select((v, i) => v - lr * dKernel[i]).ToArray());
        KerasTestUtil.AssertClose(after[2].ToArray(), w.Bias.Select((v, i) => v - lr * dBias[i]).ToArray());
        // Row 0 (padding) only reaches masked timesteps: not a bit of it moves.
        Assert.That(after[0].ToArray()[..E], Is.EqualTo(ToFloat(w.Embeddings[..E])));
        Assert.That(logs["loss"], Is.EqualTo(MaskedLoss(w, 0, count)).Within(1e-5 * MaskedLoss(w, 0, count)));
    }

    [Test]
    public void Fit_WithoutMaskZero_LossAveragesEveryTimestep()
    {
        // The same model without mask_zero: padding counts, as in Keras without a mask.
        var w = RandomWeights();
        var model = new Sequential();
        model.Add(new Embedding(V, E) { InputShape = [T] });
        model.Add(new TimeDistributed(new Dense(C, activation: "softmax")));
        model.Compile(optimizer: new SGD(learningRate: 0.0), loss: "sparse_categorical_crossentropy");
        model.SetWeights([ToFloat(w.Embeddings), ToFloat(w.Kernel), ToFloat(w.Bias)]);
        var history = model.Fit(X(0, 4), Y(0, 4), batchSize: 4, epochs: 1, verbose: 0, shuffle: false);
        double sum = 0;
        for (int n = 0; n < 4; n++) for (int t = 0; t < T; t++) sum += -Math.Log(Probabilities(w, n, t)[Labels[n, t]]);
        Assert.That(history["loss"][0], Is.EqualTo(sum / (4 * T)).Within(1e-5 * sum / (4 * T)));
    }

    [Test]
    public void Fit_LstmReturningSequences_LossDoesNotDependOnLabelsAtMaskedTimesteps()
    {
        // Embedding(mask_zero) → LSTM(return_sequences) → TimeDistributed(Dense(1, sigmoid)): the
        // mask crosses the LSTM and the wrapper to the loss and metrics.
        var inputs = KerasApi.Input([T]);
        var h = new Embedding(V, E, maskZero: true).Apply(inputs);
        h = new LSTM(3, returnSequences: true).Apply(h);
        var outputs = new TimeDistributed(new Dense(1, activation: "sigmoid")).Apply(h);
        var model = new Model(inputs, outputs);
        model.Compile(optimizer: new SGD(learningRate: 0.0), loss: "binary_crossentropy", metrics: ["accuracy"]);

        var x = X(0, 4);
        var y = new float[4 * T];
        var yPadFlipped = new float[4 * T];
        for (int n = 0; n < 4; n++)
        {
            for (int t = 0; t < T; t++)
            {
                y[n * T + t] = Labels[n, t] % 2;
                yPadFlipped[n * T + t] = Tokens[n, t] == 0 ? 1 - y[n * T + t] : y[n * T + t];
            }
        }
        var probs = model.Predict(x).ToArray();
        var a = model.Evaluate(x, Tensor.FromArray(y, new Shape(4, T, 1)), verbose: 0);
        var b = model.Evaluate(x, Tensor.FromArray(yPadFlipped, new Shape(4, T, 1)), verbose: 0);

        double sum = 0, hits = 0, valid = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (Tokens[i / T, i % T] == 0) continue;
            double p = Math.Clamp(probs[i], 1e-7, 1 - 1e-7);
            sum += -(y[i] * Math.Log(p) + (1 - y[i]) * Math.Log(1 - p));
            hits += (probs[i] > 0.5f ? 1 : 0) == y[i] ? 1 : 0;
            valid++;
        }
        Assert.That(a["loss"], Is.EqualTo(sum / valid).Within(1e-5 * sum / valid));
        Assert.That(a["accuracy"], Is.EqualTo(hits / valid).Within(1e-9));
        Assert.That(b["loss"], Is.EqualTo(a["loss"]).Within(1e-7));
        Assert.That(b["accuracy"], Is.EqualTo(a["accuracy"]));
    }
}
