using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Utils;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras;

/// <summary>
/// A model (Keras <c>keras.Model</c>): a layer that can be trained. Three ways to make one:
/// <list type="bullet">
/// <item>functional: <c>new Model(inputs, outputs)</c> from symbolic tensors made with
/// <see cref="KerasApi.Input"/> and <see cref="Layer.Apply(KerasTensor)"/> (several inputs and
/// outputs, shared layers, nested models);</item>
/// <item><see cref="Sequential"/>: a stack of layers;</item>
/// <item>subclassed: derive, make layers in the constructor (register them with
/// <see cref="Layer.Track{T}"/>), and override <see cref="Layer.Call(Tensor, bool, Tensor?)"/>.</item>
/// </list>
/// Training lives in Model.Training.cs, the summary in Model.Summary.cs.
/// </summary>
public partial class Model : Layer
{
    private KerasTensor[]? _inputs;
    private KerasTensor[]? _outputs;
    private List<Node> _nodes = new();
    private List<Layer> _graphLayers = new();

    /// <summary>A functional model with one input and one output.</summary>
    public Model(KerasTensor inputs, KerasTensor outputs, string? name = null)
        : this([inputs], [outputs], name) { }

    /// <summary>A functional model from symbolic inputs to symbolic outputs.</summary>
    public Model(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null, bool trainable = true)
        : base(name ?? UniqueNames.Next("functional"), trainable)
    {
        InitGraph(inputs, outputs);
        EnsureBuilt(_inputs!.Select(t => t.Shape).ToArray());
    }

    /// <summary>For subclassed models and <see cref="Sequential"/>.</summary>
    protected Model(string? name = null, bool trainable = true) : base(name, trainable) { }

    /// <summary>Keras writes <c>Functional</c> for graph models, the class name otherwise.</summary>
    public override string ClassName => IsFunctional && GetType() == typeof(Model) ? "Functional" : GetType().Name;

    /// <summary>True when the model runs a graph of layers (functional or built Sequential).</summary>
    public bool IsFunctional => _outputs is not null;

    /// <summary>The symbolic inputs (functional models).</summary>
    public IReadOnlyList<KerasTensor> Inputs => _inputs ?? Array.Empty<KerasTensor>();

    /// <summary>The symbolic outputs (functional models).</summary>
    public IReadOnlyList<KerasTensor> Outputs => _outputs ?? Array.Empty<KerasTensor>();

    /// <summary>Names of the outputs (the layers that make them), used to prefix multi-output logs.</summary>
    public IReadOnlyList<string> OutputNames => Outputs.Select(t => t.Layer.Name).ToArray();

    /// <summary>
    /// The model's layers: for a functional model, every layer of the graph in order (InputLayers
    /// included, as Keras); for a subclassed model, the tracked layers.
    /// </summary>
    public virtual IReadOnlyList<Layer> Layers => IsFunctional ? _graphLayers : Sublayers;

    /// <summary>The layer named <paramref name="name"/> (Keras <c>get_layer</c>).</summary>
    public Layer GetLayer(string name) =>
        Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException($"No such layer: {name}. Existing layers are: [{string.Join(", ", Layers.Select(l => l.Name))}].", nameof(name));

    /// <summary>The nodes of the graph in an order where each node follows its inputs.</summary>
    internal IReadOnlyList<Node> GraphNodes => _nodes;

    /// <summary>Wires the graph: finds every node between the inputs and the outputs, in order.</summary>
    protected void InitGraph(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0) throw new ArgumentException("A functional model needs at least one input.", nameof(inputs));
        if (outputs.Count == 0) throw new ArgumentException("A functional model needs at least one output.", nameof(outputs));
        foreach (var t in inputs)
        {
            if (t.Layer is not InputLayer)
                throw new ArgumentException($"Model inputs must come from keras.Input (InputLayer); received {t} made by layer '{t.Layer.Name}' ({t.Layer.ClassName}).", nameof(inputs));
        }

        var inputSet = new HashSet<KerasTensor>(inputs, ReferenceEqualityComparer.Instance);
        var order = new List<Node>();
        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<Node>(ReferenceEqualityComparer.Instance);

        void Visit(KerasTensor tensor)
        {
            var node = tensor.Node;
            if (visited.Contains(node)) return;
            if (node.IsInput && !inputSet.Contains(tensor))
                throw new ArgumentException(
                    $"Graph disconnected: cannot find the input of tensor {tensor} (layer '{tensor.Layer.Name}') among the model inputs [{string.Join(", ", inputs.Select(i => i.Name))}]. " +
                    $"The following previous layers were accessed without issue: [{string.Join(", ", order.Select(n => n.Layer.Name))}].");
            if (!onPath.Add(node)) throw new InvalidOperationException($"The graph has a cycle through layer '{node.Layer.Name}'.");
            foreach (var input in node.Inputs) Visit(input);
            onPath.Remove(node);
            visited.Add(node);
            order.Add(node);
        }

        // Inputs first, in the order given, so InputLayers lead the layer list as in Keras.
        foreach (var t in inputs) Visit(t);
        foreach (var t in outputs) Visit(t);

        var layers = new List<Layer>();
        foreach (var node in order)
        {
            if (!layers.Contains(node.Layer)) layers.Add(node.Layer);
        }
        TrackInOrder(_graphLayers, layers);
        _inputs = inputs.ToArray();
        _outputs = outputs.ToArray();
        _nodes = order;
        _graphLayers = layers;
    }

    /// <summary>Forgets the graph (a Sequential that lost its layers).</summary>
    protected void ClearGraph()
    {
        foreach (var old in _graphLayers) Untrack(old);
        _inputs = null;
        _outputs = null;
        _nodes = new List<Node>();
        _graphLayers = new List<Layer>();
    }

    public override void Build(IReadOnlyList<KerasShape> inputShapes)
    {
        if (IsFunctional) return;
        base.Build(inputShapes);
    }

    public override void Build(KerasShape inputShape)
    {
        // Subclassed models build their layers on the first call.
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (!IsFunctional)
            throw new NotImplementedException($"Model '{Name}' ({ClassName}) has no graph: a subclassed model must override Call.");
        var outputs = RunGraph([inputs], training);
        if (outputs.Length != 1) throw new InvalidOperationException($"Model '{Name}' has {outputs.Length} outputs; call the list form.");
        return outputs[0];
    }

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false) =>
        IsFunctional ? RunGraph(inputs, training) : base.Call(inputs, training);

    /// <summary>
    /// Runs the graph on real tensors, each node after its inputs. When
    /// <paramref name="outputMasks"/> is given it receives the mask of each output (null: none),
    /// which training uses as Keras uses the outputs' <c>_keras_mask</c>.
    /// </summary>
    protected Tensor[] RunGraph(IReadOnlyList<Tensor> inputs, bool training, Tensor?[]? outputMasks = null)
    {
        var modelInputs = _inputs!;
        if (inputs.Count != modelInputs.Length)
            throw new ArgumentException($"Model '{Name}' expects {modelInputs.Length} input(s), but it received {inputs.Count} input tensors.");
        var values = new Dictionary<KerasTensor, Tensor>(ReferenceEqualityComparer.Instance);
        // Masks travel beside the values: a layer's output mask comes from its ComputeMask.
        var masks = new Dictionary<KerasTensor, Tensor?>(ReferenceEqualityComparer.Instance);
        // Each input's data as the input holds it (Keras converts to the input's dtype).
        for (int i = 0; i < inputs.Count; i++) values[modelInputs[i]] = ((InputLayer)modelInputs[i].Layer).Standardize(inputs[i]);
        foreach (var node in _nodes)
        {
            if (node.IsInput) continue;
            var args = new Tensor[node.Inputs.Count];
            var argMasks = new Tensor?[args.Length];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = values[node.Inputs[i]];
                argMasks[i] = masks.GetValueOrDefault(node.Inputs[i]);
            }
            var outs = node.Layer.CallNode(args, argMasks, node.Options, node.Training ?? training);
            for (int i = 0; i < outs.Length; i++) values[node.Outputs[i]] = outs[i];
            if (outs.Length >= 1) masks[node.Outputs[0]] = node.Layer.ComputeNodeMask(args, argMasks, node.Options);
        }
        var result = new Tensor[_outputs!.Length];
        for (int i = 0; i < result.Length; i++) result[i] = values[_outputs[i]];
        if (outputMasks is not null)
        {
            for (int i = 0; i < result.Length && i < outputMasks.Length; i++) outputMasks[i] = masks.GetValueOrDefault(_outputs[i]);
        }
        return result;
    }

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        if (!IsFunctional) return base.ComputeOutputShape(inputShapes);
        int? batch = inputShapes.Count > 0 && inputShapes[0].Rank > 0 ? inputShapes[0][0] : null;
        return _outputs!.Select(o => o.Shape.Rank > 0 ? o.Shape.WithBatchSize(batch) : o.Shape).ToArray();
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape) => ComputeOutputShape([inputShape]).Single();

    /// <summary>
    /// Checks real inputs against the model's input shapes before running it, naming the input
    /// layer and both shapes (unknown dimensions match anything).
    /// </summary>
    protected override void CheckInputs(IReadOnlyList<KerasShape> shapes)
    {
        if (!IsFunctional) return;
        if (shapes.Count != _inputs!.Length)
            throw new ArgumentException($"Model '{Name}' expects {_inputs.Length} input(s), but it received {shapes.Count} input tensors.");
        for (int i = 0; i < shapes.Count; i++)
        {
            var expected = _inputs[i].Shape;
            bool ok = expected.Rank == shapes[i].Rank;
            for (int d = 0; ok && d < expected.Rank; d++)
            {
                if (expected[d] is int e && shapes[i][d] is int g && e != g) ok = false;
            }
            if (!ok)
                throw new ShapeMismatchException($"Model \"{Name}\"",
                    $"input {i} (layer \"{_inputs[i].Layer.Name}\") is incompatible with the layer: expected shape={expected}, found shape={shapes[i]}");
        }
    }

    /// <summary>
    /// A functional model's graph config (Keras 3 form, see FunctionalConfig); the base keys for
    /// a subclassed model.
    /// </summary>
    public override JObject GetConfig() =>
        IsFunctional && GetType() == typeof(Model) ? FunctionalConfig.Get(this) : base.GetConfig();

    /// <summary>Rebuilds a functional model from its config (class_name "Functional" or "Model").</summary>
    public static Model FromConfig(JObject config) => FunctionalConfig.FromConfig(config);
}
