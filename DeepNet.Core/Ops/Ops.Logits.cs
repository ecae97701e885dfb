#nullable enable
using System.Runtime.CompilerServices;

namespace DeepNet;

public static partial class Ops
{
    // Outputs of Softmax (last axis) and Sigmoid, mapped to the logits they came from. TensorFlow's
    // Keras backend does the same ("_keras_logits"): a cross-entropy given probabilities that a
    // softmax or sigmoid just produced computes from the logits instead, which is exact where
    // clipping the probabilities to [1e-7, 1 - 1e-7] would zero the gradient of confidently
    // wrong samples.
    private static readonly ConditionalWeakTable<Tensor, Tensor> s_softmaxLogits = new();
    private static readonly ConditionalWeakTable<Tensor, Tensor> s_sigmoidLogits = new();

    /// <summary>
    /// When <paramref name="probabilities"/> is the direct output of <see cref="Softmax"/> along
    /// the last axis and its input is still alive, returns that input.
    /// </summary>
    public static bool TryGetSoftmaxLogits(Tensor probabilities, out Tensor logits) =>
        TryGetLogits(s_softmaxLogits, probabilities, out logits);

    /// <summary>
    /// When <paramref name="probabilities"/> is the direct output of <see cref="Sigmoid"/> (or
    /// <see cref="Activation"/> with <see cref="Backends.ActivationKind.Sigmoid"/>) and its input
    /// is still alive, returns that input.
    /// </summary>
    public static bool TryGetSigmoidLogits(Tensor probabilities, out Tensor logits) =>
        TryGetLogits(s_sigmoidLogits, probabilities, out logits);

    private static bool TryGetLogits(ConditionalWeakTable<Tensor, Tensor> table, Tensor probabilities, out Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (table.TryGetValue(probabilities, out var source) && !source.IsDisposed && !probabilities.IsDisposed)
        {
            logits = source;
            return true;
        }
        logits = null!;
        return false;
    }

    private static void RememberSoftmaxLogits(Tensor probabilities, Tensor logits) =>
        s_softmaxLogits.AddOrUpdate(probabilities, logits);

    private static void RememberSigmoidLogits(Tensor probabilities, Tensor logits) =>
        s_sigmoidLogits.AddOrUpdate(probabilities, logits);
}
