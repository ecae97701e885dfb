using DeepNet.Keras.Engine;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The arguments of one <see cref="Attention"/> or <see cref="AdditiveAttention"/> call in a
/// graph besides its [query, value(, key)] list (Keras <c>layer(inputs, use_causal_mask=…,
/// return_attention_scores=…)</c>).
/// </summary>
public sealed record AttentionOptions(bool UseCausalMask = false, bool ReturnAttentionScores = false) : CallOptions;
