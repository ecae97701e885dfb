using DeepNet.Keras.Engine;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The arguments of one <see cref="MultiHeadAttention"/> call in a graph besides its tensors
/// (Keras <c>mha(query, value, key=None, attention_mask=None, return_attention_scores=False,
/// use_causal_mask=False, query_mask=None, value_mask=None, key_mask=None)</c>). The node's
/// inputs are query, value, then key when <see cref="HasKey"/>, attention_mask when
/// <see cref="HasAttentionMask"/>, and the query_mask, value_mask and key_mask given explicitly.
/// </summary>
public sealed record MultiHeadAttentionOptions(
    bool HasKey = false,
    bool HasAttentionMask = false,
    bool UseCausalMask = false,
    bool ReturnAttentionScores = false,
    bool HasQueryMask = false,
    bool HasValueMask = false,
    bool HasKeyMask = false) : CallOptions
{
    /// <summary>How many input tensors a node with these options reads.</summary>
    public int InputCount => 2 + Count(HasKey) + Count(HasAttentionMask) + Count(HasQueryMask) + Count(HasValueMask) + Count(HasKeyMask);

    private static int Count(bool present) => present ? 1 : 0;
}
