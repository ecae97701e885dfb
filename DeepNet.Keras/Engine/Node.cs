using DeepNet.Keras.Layers;

namespace DeepNet.Keras.Engine;

/// <summary>
/// One call of a layer on symbolic tensors (Keras <c>Node</c>): the graph edge from its inputs
/// to its outputs. A layer applied twice (a shared layer) has two nodes. Besides its input
/// tensors a node keeps the call's other arguments: the layer's <see cref="Options"/> and an
/// explicit <see cref="Training"/>, given back to the layer each time the graph runs.
/// </summary>
public sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<KerasTensor> inputs, CallOptions? options = null, bool? training = null)
    {
        Layer = layer;
        Inputs = inputs;
        Options = options;
        Training = training;
        Outputs = Array.Empty<KerasTensor>();
    }

    public Layer Layer { get; }

    /// <summary>
    /// Every tensor the call reads, in the order the layer defines (for a layer with options, the
    /// options say which optional inputs are present).
    /// </summary>
    public IReadOnlyList<KerasTensor> Inputs { get; }

    /// <summary>The layer-specific call arguments, or null for a plain call.</summary>
    public CallOptions? Options { get; }

    /// <summary>
    /// The call's explicit <c>training</c> argument (Keras <c>layer(x, training=True)</c>), which
    /// wins over the model's mode; null follows the model.
    /// </summary>
    public bool? Training { get; }

    public IReadOnlyList<KerasTensor> Outputs { get; internal set; }

    /// <summary>True for the node of an InputLayer (no inputs).</summary>
    public bool IsInput => Inputs.Count == 0;

    /// <summary>Nodes whose outputs this node reads.</summary>
    public IEnumerable<Node> ParentNodes
    {
        get
        {
            foreach (var t in Inputs) yield return t.Node;
        }
    }
}
