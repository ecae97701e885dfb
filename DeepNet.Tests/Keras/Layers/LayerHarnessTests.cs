using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>The layer harness applied to every core, merge, activation and noise layer.</summary>
public class LayerHarnessTests
{
    private static IEnumerable<TestCaseData> SingleInputCases()
    {
        yield return Case("Dense", () => new Dense(4), [2, 3], [2, 4], 2);
        yield return Case("Dense_NoBiasRank3", () => new Dense(5, useBias: false, activation: "tanh"), [2, 3, 6], [2, 3, 5], 1);
        yield return Case("Activation", () => new Activation("relu"), [2, 3], [2, 3]);
        yield return Case("Dropout", () => new Dropout(0.5f, seed: 1), [2, 3], [2, 3]);
        yield return Case("Flatten", () => new Flatten(), [2, 3, 4], [2, 12]);
        yield return Case("Reshape", () => new Reshape([2, -1]), [2, 6], [2, 2, 3]);
        yield return Case("Permute", () => new Permute([2, 1]), [2, 3, 4], [2, 4, 3]);
        yield return Case("RepeatVector", () => new RepeatVector(3), [2, 4], [2, 3, 4]);
        yield return Case("Masking", () => new Masking(0.5f), [2, 3, 4], [2, 3, 4]);
        yield return Case("ActivityRegularization", () => new ActivityRegularization(0.01f, 0.02f), [2, 3], [2, 3]);
        yield return Case("Identity", () => new Identity(), [2, 3], [2, 3]);
        yield return Case("ReLU", () => new ReLU(maxValue: 1.5f, negativeSlope: 0.1f, threshold: 0.2f), [2, 3], [2, 3]);
        yield return Case("LeakyReLU", () => new LeakyReLU(), [2, 3], [2, 3]);
        yield return Case("PReLU", () => new PReLU(sharedAxes: [1]), [2, 3, 4], [2, 3, 4], 1);
        yield return Case("ELU", () => new ELU(0.5f), [2, 3], [2, 3]);
        yield return Case("Softmax", () => new Softmax(), [2, 3], [2, 3]);
        yield return Case("GaussianNoise", () => new GaussianNoise(0.1f, seed: 3), [2, 3], [2, 3]);
        yield return Case("GaussianDropout", () => new GaussianDropout(0.3f, seed: 3), [2, 3], [2, 3]);
        yield return Case("AlphaDropout", () => new AlphaDropout(0.3f, seed: 3), [2, 3], [2, 3]);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] input, int[] output, int trainable = 0) =>
        new TestCaseData(make, input, output, trainable).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(SingleInputCases))]
    public void SingleInput(Func<Layer> make, int[] input, int[] output, int trainable) =>
        LayerHarness.Run(make, input, output, trainable);

    private static IEnumerable<TestCaseData> MergeCases()
    {
        yield return Merge("Add", () => new Add(), [[2, 3], [2, 3], [2, 3]], [2, 3]);
        yield return Merge("Subtract", () => new Subtract(), [[2, 3], [2, 3]], [2, 3]);
        yield return Merge("Multiply", () => new Multiply(), [[2, 3], [2, 3]], [2, 3]);
        yield return Merge("Average", () => new Average(), [[2, 3], [2, 3]], [2, 3]);
        yield return Merge("Maximum", () => new Maximum(), [[2, 3], [2, 3]], [2, 3]);
        yield return Merge("Minimum", () => new Minimum(), [[2, 3], [2, 3]], [2, 3]);
        yield return Merge("Concatenate", () => new Concatenate(), [[2, 3], [2, 5]], [2, 8]);
        yield return Merge("Concatenate_Axis1", () => new Concatenate(axis: 1), [[2, 3, 4], [2, 1, 4]], [2, 4, 4]);
        yield return Merge("Dot", () => new Dot(1), [[2, 3], [2, 3]], [2, 1]);
        yield return Merge("Dot_Rank3Normalized", () => new Dot([2, 2], normalize: true), [[2, 3, 4], [2, 5, 4]], [2, 3, 5]);
    }

    private static TestCaseData Merge(string name, Func<Layer> make, int[][] inputs, int[] output) =>
        new TestCaseData(make, inputs, output).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(MergeCases))]
    public void MultiInput(Func<Layer> make, int[][] inputs, int[] output) => LayerHarness.Run(make, inputs, output);
}
