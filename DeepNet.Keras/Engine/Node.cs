using DeepNet.Keras.Layers;

namespace DeepNet.Keras.Engine;

/// <summary>
/// One call of a layer on symbolic tensors (Keras <c>Node</c>): the graph edge from its inputs
/// to its outputs. A layer applied twice (a shared layer) has two nodes.
/// </summary>
public sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<KerasTensor> inputs)
    {
        Layer = layer;
        Inputs = inputs;
        Outputs = Array.Empty<KerasTensor>();
    }

    public Layer Layer { get; }

    public IReadOnlyList<KerasTensor> Inputs { get; }

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
