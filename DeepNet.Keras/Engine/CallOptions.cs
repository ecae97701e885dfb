namespace DeepNet.Keras.Engine;

/// <summary>
/// The layer-specific call arguments of one call in a graph that are not input tensors (Keras
/// keeps them in <c>Node.arguments.kwargs</c>), e.g. <c>use_causal_mask</c> of a
/// MultiHeadAttention. Each layer that takes such arguments derives its own record; the node keeps
/// it and hands it back to <see cref="Layers.Layer.CallNode"/> every time the graph runs.
/// Records compare by value, so two nodes called alike have equal options.
/// </summary>
public abstract record CallOptions;
