using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>The layer harness (config round trip, build, symbolic and eager calls, one training step) over the sequence layers.</summary>
public class RecurrentHarnessTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("Embedding", () => new Embedding(6, 4), [2, 5], [2, 5, 4], 1);
        yield return Case("Embedding_MaskZero", () => new Embedding(6, 4, maskZero: true), [2, 5], [2, 5, 4], 1);
        yield return Case("SimpleRNN", () => new SimpleRNN(4), [2, 5, 3], [2, 4], 3);
        yield return Case("SimpleRNN_Sequences", () => new SimpleRNN(4, returnSequences: true, goBackwards: true), [2, 5, 3], [2, 5, 4], 3);
        yield return Case("LSTM", () => new LSTM(4), [2, 5, 3], [2, 4], 3);
        yield return Case("LSTM_SequencesDropout", () => new LSTM(3, returnSequences: true, dropout: 0.2f, recurrentDropout: 0.3f, seed: 1), [2, 5, 3], [2, 5, 3], 3);
        yield return Case("GRU", () => new GRU(4), [2, 5, 3], [2, 4], 3);
        yield return Case("GRU_ResetBeforeNoBias", () => new GRU(4, resetAfter: false, useBias: false), [2, 5, 3], [2, 4], 2);
        yield return Case("RNN_LSTMCell", () => new RNN(new LSTMCell(4)), [2, 5, 3], [2, 4], 3);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] input, int[] output, int trainable) =>
        new TestCaseData(make, input, output, trainable).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(Cases))]
    public void SequenceLayer(Func<Layer> make, int[] input, int[] output, int trainable) =>
        LayerHarness.Run(make, input, output, trainable);
}
