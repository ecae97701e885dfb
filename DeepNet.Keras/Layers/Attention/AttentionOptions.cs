using DeepNet.Keras.Engine;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The arguments of one <see cref="Attention"/> or <see cref="AdditiveAttention"/> call in a
/// graph besides its [query, value(, key)] list (Keras <c>layer(inputs, mask=[query_mask, value_mask],
/// use_causal_mask=…, return_attention_scores=…)</c>). The node's inputs are the list, then the
/// query mask and the value mask the call gives explicitly; with either given, the graph's masks
/// are not used (a mask argument replaces them all, as in Keras).
/// </summary>
public sealed record AttentionOptions(bool UseCausalMask = false, bool ReturnAttentionScores = false,
    bool HasQueryMask = false, bool HasValueMask = false) : CallOptions
{
    /// <summary>How many of the node's inputs are explicit masks (they follow the list).</summary>
    public int MaskCount => (HasQueryMask ? 1 : 0) + (HasValueMask ? 1 : 0);
}
