#nullable enable
using System.Runtime.CompilerServices;

namespace DeepNet;

public static partial class Ops
{
    // Outputs of Softmax along the last axis, mapped to the logits they came from. TensorFlow's
    // Keras backend does the same ("_keras_logits"): a cross-entropy given probabilities that a
    // softmax just produced computes from the logits instead, which is exact where clipping
    // the probabilities to [1e-7, 1 - 1e-7] would zero the gradient of confidently wrong samples.
    private static readonly ConditionalWeakTable<Tensor, Tensor> s_softmaxLogits = new();

    /// <summary>
    /// When <paramref name="probabilities"/> is the direct output of <see cref="Softmax"/> along
    /// the last axis and its input is still alive, returns that input.
    /// </summary>
    public static bool TryGetSoftmaxLogits(Tensor probabilities, out Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (s_softmaxLogits.TryGetValue(probabilities, out var source) && !source.IsDisposed && !probabilities.IsDisposed)
        {
            logits = source;
            return true;
        }
        logits = null!;
        return false;
    }

    private static void RememberSoftmaxLogits(Tensor probabilities, Tensor logits) =>
        s_softmaxLogits.AddOrUpdate(probabilities, logits);
}
