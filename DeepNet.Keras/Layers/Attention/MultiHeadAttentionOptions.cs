using DeepNet.Keras.Engine;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The arguments of one <see cref="MultiHeadAttention"/> call in a graph besides its tensors
/// (Keras <c>mha(query, value, key=None, attention_mask=None, return_attention_scores=False,
/// use_causal_mask=False)</c>). The node's inputs are query, value, then key when
/// <see cref="HasKey"/>, then attention_mask when <see cref="HasAttentionMask"/>.
/// </summary>
public sealed record MultiHeadAttentionOptions(
    bool HasKey = false,
    bool HasAttentionMask = false,
    bool UseCausalMask = false,
    bool ReturnAttentionScores = false) : CallOptions
{
    /// <summary>How many input tensors a node with these options reads.</summary>
    public int InputCount => 2 + (HasKey ? 1 : 0) + (HasAttentionMask ? 1 : 0);
}
