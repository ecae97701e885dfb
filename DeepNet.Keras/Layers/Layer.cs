using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using DeepNet.Keras.Utils;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Base of every layer (Keras <c>keras.layers.Layer</c>). A layer owns weights made through
/// <see cref="AddWeight"/> in <see cref="Build(KerasShape)"/>, computes its outputs in
/// <see cref="Call(Tensor, bool, Tensor?)"/> with <see cref="Ops"/> only (so gradients come for
/// free), and describes itself with <see cref="GetConfig"/>. It is built on first use, from the
/// shape of its first input.
/// <para>A layer with one input overrides <c>Call(Tensor, ...)</c> and
/// <c>ComputeOutputShape(KerasShape)</c>; a layer with several inputs (merge layers) or outputs
/// overrides the list forms.</para>
/// </summary>
public abstract class Layer
{
    private readonly List<Variable> _trainableVariables = new();
    private readonly List<Variable> _nonTrainableVariables = new();
    private readonly List<Layer> _layers = new();
    private readonly List<(Variable Variable, Regularizer Regularizer)> _regularized = new();
    private readonly List<(Variable Variable, Constraint Constraint)> _constrained = new();
    private readonly List<Node> _inboundNodes = new();
    private readonly object _buildLock = new();
    private bool _trainable = true;
    private bool _building;

    /// <param name="name">The layer's name; null gives the snake_case class name made unique (dense, dense_1, ...).</param>
    /// <param name="trainable">Whether the layer's weights are updated by training.</param>
    /// <param name="dtype">The dtype policy name; only "float32" is supported.</param>
    protected Layer(string? name = null, bool trainable = true, string? dtype = null)
    {
        if (name is not null && name.Length == 0) throw new ArgumentException("A layer name cannot be empty.", nameof(name));
        if (dtype is not null && dtype != "float32")
            throw new NotSupportedException($"Layer dtype must be \"float32\", received dtype={dtype}.");
        Name = name ?? UniqueNames.Next(DefaultNamePrefix);
        _trainable = trainable;
    }

    /// <summary>The Keras class name written in configs (<c>Dense</c>).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The prefix of default names: snake_case of the class name.</summary>
    protected virtual string DefaultNamePrefix => UniqueNames.ToSnakeCase(ClassName);

    public string Name { get; }

    /// <summary>The dtype policy name (always float32 here).</summary>
    public string DType => "float32";

    /// <summary>
    /// Whether training updates this layer's weights. Setting it sets every weight made trainable
    /// and every sublayer, as Keras 3 does.
    /// </summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            foreach (var v in _trainableVariables) v.Trainable = value;
            foreach (var l in _layers) l.Trainable = value;
        }
    }

    public bool Built { get; private set; }

    /// <summary>What inputs the layer accepts; set by <see cref="Build(KerasShape)"/>.</summary>
    public InputSpec? InputSpec { get; protected set; }

    /// <summary>
    /// The per-sample input shape given at construction (Keras <c>input_shape=</c> on the first
    /// layer of a Sequential), or null.
    /// </summary>
    public int[]? InputShape { get; init; }

    /// <summary>The input shape with the batch, when <see cref="InputShape"/> is known.</summary>
    public KerasShape? BatchInputShape => InputShape is null ? null : KerasShape.WithBatch(InputShape);

    /// <summary>The calls of this layer on symbolic tensors.</summary>
    public IReadOnlyList<Node> InboundNodes => _inboundNodes;

    /// <summary>Layers this layer owns (tracked with <see cref="Track{T}"/>).</summary>
    public IReadOnlyList<Layer> Sublayers => _layers;

    /// <summary>
    /// The Python attribute Keras keeps <paramref name="sublayer"/> in (an RNN's <c>cell</c>, a
    /// MultiHeadAttention's <c>_query_dense</c>), which names its group in Keras 3 weight files:
    /// saving_lib walks a layer's attributes. A composite layer answers for each sublayer it owns;
    /// null keys the sublayer by its class, as Keras does for sublayers kept in lists.
    /// </summary>
    protected internal virtual string? SublayerAttributeName(Layer sublayer) => null;

    // ---- weights -------------------------------------------------------------------------------

    /// <summary>
    /// Every weight in Keras order: this layer's trainable then non-trainable ones, then each
    /// sublayer's weights in turn.
    /// </summary>
    public virtual IReadOnlyList<Variable> Weights
    {
        get
        {
            var all = new List<Variable>(_trainableVariables);
            all.AddRange(_nonTrainableVariables);
            foreach (var layer in _layers)
            {
                foreach (var v in layer.Weights)
                {
                    if (!all.Contains(v)) all.Add(v);
                }
            }
            return all;
        }
    }

    /// <summary>The weights training updates (none when the layer is not trainable).</summary>
    public IReadOnlyList<Variable> TrainableWeights =>
        Trainable ? Weights.Where(v => v.Trainable).ToList() : Array.Empty<Variable>();

    /// <summary>The weights training leaves alone.</summary>
    public IReadOnlyList<Variable> NonTrainableWeights =>
        Trainable ? Weights.Where(v => !v.Trainable).ToList() : Weights;

    /// <summary>Number of scalars in all weights (Keras <c>count_params()</c>).</summary>
    public long CountParams()
    {
        if (!Built)
            throw new InvalidOperationException($"You tried to call count_params on layer '{Name}', but the layer isn't built. You can build it manually via: layer.Build(batchInputShape).");
        long n = 0;
        foreach (var v in Weights) n += v.Shape.Size;
        return n;
    }

    /// <summary>
    /// Makes a weight of this layer (Keras <c>add_weight</c>): filled by <paramref name="initializer"/>
    /// (GlorotUniform by default), with an optional regularizer (its penalty joins
    /// <see cref="Losses"/>) and constraint (applied after each optimizer step).
    /// </summary>
    public Variable AddWeight(string name, Shape shape, Initializer? initializer = null, Regularizer? regularizer = null,
        Constraint? constraint = null, bool trainable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (Built && !_building)
            throw new InvalidOperationException($"Layer '{Name}' is already built; weights can only be added in Build (tried to add '{name}').");
        initializer ??= KerasObjects.Initializer("glorot_uniform");
        Tensor value;
        using (var scope = Memory.TensorScope.Begin())
        {
            value = scope.Keep(initializer.Call(shape));
        }
        var variable = new Variable(value, name, trainable && Trainable) { Path = $"{Name}/{name}" };
        (trainable ? _trainableVariables : _nonTrainableVariables).Add(variable);
        if (regularizer is not null) _regularized.Add((variable, regularizer));
        if (constraint is not null) _constrained.Add((variable, constraint));
        return variable;
    }

    /// <summary>Makes <paramref name="layer"/> a sublayer: its weights become this layer's too.</summary>
    protected internal T Track<T>(T layer) where T : Layer
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (!_layers.Contains(layer)) _layers.Add(layer);
        return layer;
    }

    /// <summary>Stops tracking <paramref name="layer"/> (Sequential.Pop).</summary>
    protected internal void Untrack(Layer layer) => _layers.Remove(layer);

    /// <summary>
    /// Puts <paramref name="ordered"/> first among the tracked sublayers, in that order, after
    /// untracking <paramref name="previous"/>: a functional graph's layers lead, in graph order,
    /// so that <see cref="Weights"/> follows the layers as Keras's does.
    /// </summary>
    protected internal void TrackInOrder(IEnumerable<Layer> previous, IReadOnlyList<Layer> ordered)
    {
        foreach (var layer in previous) _layers.Remove(layer);
        foreach (var layer in ordered) _layers.Remove(layer);
        _layers.InsertRange(0, ordered);
    }

    /// <summary>Marks the layer unbuilt again (a Sequential that lost its layers).</summary>
    protected void ResetBuilt() => Built = false;

    /// <summary>Copies of the weights' values in Keras order (Keras <c>get_weights()</c>); the caller owns them.</summary>
    public Tensor[] GetWeights()
    {
        var weights = Weights;
        var result = new Tensor[weights.Count];
        for (int i = 0; i < result.Length; i++) result[i] = weights[i].Value.To(weights[i].Value.Backend);
        return result;
    }

    /// <summary>Host copies of the weights' values in Keras order.</summary>
    public float[][] GetWeightArrays()
    {
        var weights = Weights;
        var result = new float[weights.Count][];
        for (int i = 0; i < result.Length; i++) result[i] = weights[i].ToArray();
        return result;
    }

    /// <summary>
    /// Sets the weights from values in Keras order (Keras <c>set_weights()</c>); the count and
    /// every shape must match, else nothing is changed.
    /// </summary>
    public void SetWeights(IReadOnlyList<Tensor> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var weights = Weights;
        if (values.Count != weights.Count)
            throw new ArgumentException($"Layer '{Name}' weight list length mismatch: expected {weights.Count} weights, received {values.Count}.", nameof(values));
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].Shape != weights[i].Shape)
                throw new ShapeMismatchException($"Layer \"{Name}\".SetWeights",
                    $"weight {i} ('{weights[i].Path}') has shape {weights[i].Shape}, the value given has shape {values[i].Shape}.");
        }
        for (int i = 0; i < values.Count; i++) weights[i].Assign(values[i]);
    }

    /// <summary>Sets the weights from host arrays (row-major) in Keras order.</summary>
    public void SetWeights(IReadOnlyList<float[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var weights = Weights;
        if (values.Count != weights.Count)
            throw new ArgumentException($"Layer '{Name}' weight list length mismatch: expected {weights.Count} weights, received {values.Count}.", nameof(values));
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].Length != weights[i].Shape.Size)
                throw new ShapeMismatchException($"Layer \"{Name}\".SetWeights",
                    $"weight {i} ('{weights[i].Path}') has shape {weights[i].Shape} ({weights[i].Shape.Size} values), received {values[i].Length} values.");
        }
        for (int i = 0; i < values.Count; i++) weights[i].Assign(values[i]);
    }

    // ---- losses and constraints -----------------------------------------------------------------

    /// <summary>
    /// The penalties to add to the loss: the weight regularizers' values (computed now, as
    /// tensors of the current scope) and the activity losses added by the current call, for this
    /// layer and its sublayers.
    /// </summary>
    public IReadOnlyList<Tensor> Losses
    {
        get
        {
            var losses = new List<Tensor>();
            CollectRegularization(losses, new HashSet<Layer>());
            return losses;
        }
    }

    internal void CollectRegularization(List<Tensor> into, HashSet<Layer> seen)
    {
        if (!seen.Add(this)) return;
        foreach (var (v, r) in _regularized) into.Add(r.Call(v.Value));
        foreach (var l in _layers) l.CollectRegularization(into, seen);
    }

    /// <summary>
    /// Adds an activity loss from inside <c>Call</c> (Keras <c>add_loss</c>). It is counted when a
    /// training or test step is collecting losses on this thread, and ignored otherwise.
    /// </summary>
    protected void AddLoss(Tensor loss) => CallContext.AddLoss(loss);

    /// <summary>Each weight with a constraint, and the constraint.</summary>
    internal void CollectConstraints(List<(Variable, Constraint)> into, HashSet<Layer> seen)
    {
        if (!seen.Add(this)) return;
        into.AddRange(_constrained);
        foreach (var l in _layers) l.CollectConstraints(into, seen);
    }

    // ---- build and call ------------------------------------------------------------------------

    /// <summary>Makes the weights for inputs of <paramref name="inputShape"/> (batch included, may be None).</summary>
    public virtual void Build(KerasShape inputShape) { }

    /// <summary>Build for several inputs; the default takes the single input's shape.</summary>
    public virtual void Build(IReadOnlyList<KerasShape> inputShapes)
    {
        if (inputShapes.Count != 1)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) takes one input, received {inputShapes.Count}.");
        Build(inputShapes[0]);
    }

    /// <summary>Builds the layer once, thread-safely, unless it is built already.</summary>
    public void EnsureBuilt(IReadOnlyList<KerasShape> inputShapes)
    {
        if (Built) return;
        lock (_buildLock)
        {
            if (Built) return;
            _building = true;
            try
            {
                Build(inputShapes);
            }
            finally
            {
                _building = false;
            }
            Built = true;
        }
    }

    /// <summary>Builds the layer for one input shape (Keras <c>layer.build(shape)</c>).</summary>
    public void EnsureBuilt(KerasShape inputShape) => EnsureBuilt([inputShape]);

    /// <summary>The layer's computation for one input, in Ops.</summary>
    public virtual Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) =>
        throw new NotSupportedException($"Layer '{Name}' ({ClassName}) takes a list of inputs.");

    /// <summary>The layer's computation for several inputs or outputs; the default calls the one-input form.</summary>
    public virtual Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        if (inputs.Count != 1)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) takes one input, received {inputs.Count}.");
        return [Call(inputs[0], training)];
    }

    // ---- masks -------------------------------------------------------------------------------
    // A mask is a float32 tensor of the input's leading (batch, time) shape: 1 keeps a timestep,
    // 0 masks it (Keras uses booleans).

    /// <summary>Whether the layer passes its input's mask on unchanged (Keras <c>supports_masking</c>).</summary>
    public virtual bool SupportsMasking => false;

    /// <summary>The mask of the first output, given the input and its mask (Keras <c>compute_mask</c>).</summary>
    public virtual Tensor? ComputeMask(Tensor inputs, Tensor? mask) => SupportsMasking ? mask : null;

    /// <summary>
    /// The mask of the first output of a call on several inputs; the default hands a single input
    /// to <see cref="ComputeMask(Tensor, Tensor?)"/> and drops masks otherwise (merge layers combine them).
    /// </summary>
    public virtual Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks) =>
        inputs.Count == 1 ? ComputeMask(inputs[0], masks[0]) : null;

    /// <summary>
    /// Runs one node of a graph: the node's input tensors with their masks, the layer-specific
    /// <paramref name="options"/> the node keeps (null for a plain call), and the training mode
    /// (the node's own training argument when it has one). A layer that makes nodes with options
    /// overrides it; the default runs a plain call through <see cref="CallMasked"/>.
    /// </summary>
    public virtual Tensor[] CallNode(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, CallOptions? options, bool training)
    {
        if (options is ExplicitMaskOptions)
        {
            var (values, given) = SplitExplicitMask(inputs);
            return CallMasked(values, given, training);
        }
        if (options is not null)
            throw new NotSupportedException($"Layer '{Name}' ({ClassName}) does not take call options ({options.GetType().Name}).");
        return CallMasked(inputs, masks, training);
    }

    /// <summary>
    /// The mask of a node's first output: <see cref="ComputeMask(IReadOnlyList{Tensor}, IReadOnlyList{Tensor?})"/>
    /// of the call's inputs, with the call's explicit mask (Keras <c>mask=</c>) in place of the
    /// graph's when it has one.
    /// </summary>
    public virtual Tensor? ComputeNodeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, CallOptions? options)
    {
        if (options is not ExplicitMaskOptions) return ComputeMask(inputs, masks);
        var (values, given) = SplitExplicitMask(inputs);
        return ComputeMask(values, given);
    }

    /// <summary>A node with <see cref="ExplicitMaskOptions"/>: its inputs without the last, and that mask as the first input's.</summary>
    private protected static (Tensor[] Inputs, Tensor?[] Masks) SplitExplicitMask(IReadOnlyList<Tensor> inputs)
    {
        var values = inputs.Take(inputs.Count - 1).ToArray();
        var masks = new Tensor?[values.Length];
        masks[0] = ExplicitMaskOptions.ToLayerMask(inputs[^1]);
        return (values, masks);
    }

    /// <summary>
    /// Applies the layer to a symbolic tensor with an explicit mask (Keras <c>layer(x, mask=m)</c>):
    /// <paramref name="mask"/> (batch, time…), any dtype, non-zero keeps, replaces the mask the
    /// graph would pass. The node keeps the mask as its last input.
    /// </summary>
    public virtual KerasTensor[] ApplyMasked(IReadOnlyList<KerasTensor> inputs, KerasTensor mask, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(mask);
        if (inputs.Count == 0) throw new ArgumentException($"Layer '{Name}' ({ClassName}) needs an input besides the mask.", nameof(inputs));
        var shapes = inputs.Select(t => t.Shape).ToArray();
        CheckInputs(shapes);
        EnsureBuilt(shapes);
        CheckInputs(shapes);
        var first = shapes[0];
        bool fits = mask.Shape.Rank <= first.Rank && mask.Shape.Rank >= 1;
        for (int d = 0; fits && d < mask.Shape.Rank; d++)
        {
            if (mask.Shape[d] is int m && first[d] is int x && m != x) fits = false;
        }
        if (!fits)
            throw new ShapeMismatchException(Name, $"the mask {mask.Shape} must match the leading dimensions of the input {first}.");
        return AddNode([.. inputs, mask], ComputeOutputShape(shapes), new ExplicitMaskOptions(), training);
    }

    /// <summary>
    /// Calls the layer with the masks of its inputs (null entries: no mask). The default gives a
    /// single input's mask to <c>Call(Tensor, training, mask)</c> and ignores masks otherwise;
    /// layers with several outputs that read masks override it.
    /// </summary>
    public virtual Tensor[] CallMasked(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false)
    {
        if (inputs.Count == 1 && masks.Count == 1 && masks[0] is not null) return [Call(inputs[0], training, masks[0])];
        return Call(inputs, training);
    }

    /// <summary>The output shape for an input shape (batch may be None); the default keeps it.</summary>
    public virtual KerasShape ComputeOutputShape(KerasShape inputShape) => inputShape;

    /// <summary>Output shapes for several inputs; the default takes the single input's shape.</summary>
    public virtual KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        if (inputShapes.Count != 1)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) takes one input, received {inputShapes.Count}.");
        return [ComputeOutputShape(inputShapes[0])];
    }

    /// <summary>Checks inputs against <see cref="InputSpec"/> (after build).</summary>
    protected virtual void CheckInputs(IReadOnlyList<KerasShape> shapes)
    {
        if (InputSpec is null) return;
        for (int i = 0; i < shapes.Count; i++) InputSpec.Check(Name, i, shapes[i]);
    }

    // ---- applying ------------------------------------------------------------------------------

    /// <summary>Applies the layer to a real tensor now (Keras <c>layer(x)</c> in eager mode).</summary>
    public Tensor Apply(Tensor inputs, bool training = false) => Single(ApplyMany([inputs], training));

    /// <summary>Applies the layer to several real tensors (merge layers).</summary>
    public Tensor Apply(IReadOnlyList<Tensor> inputs, bool training = false) => Single(ApplyMany(inputs, training));

    /// <summary>Applies the layer to real tensors and returns every output.</summary>
    public Tensor[] ApplyMany(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var shapes = new KerasShape[inputs.Count];
        for (int i = 0; i < shapes.Length; i++) shapes[i] = KerasShape.Of(inputs[i].Shape);
        CheckInputs(shapes);
        EnsureBuilt(shapes);
        CheckInputs(shapes);
        return Call(inputs, training);
    }

    /// <summary>Applies the layer to a symbolic tensor, adding a node to the graph.</summary>
    public KerasTensor Apply(KerasTensor inputs) => Single(ApplyMany([inputs]));

    /// <summary>Applies the layer to several symbolic tensors (merge layers).</summary>
    public KerasTensor Apply(params KerasTensor[] inputs) => Single(ApplyMany(inputs));

    /// <summary>Applies the layer to several symbolic tensors.</summary>
    public KerasTensor Apply(IReadOnlyList<KerasTensor> inputs) => Single(ApplyMany(inputs));

    /// <summary>
    /// Applies the layer to symbolic tensors and returns every output. <paramref name="training"/>
    /// fixes the mode of this call whatever the model's (Keras <c>layer(x, training=True)</c>);
    /// null follows the model.
    /// </summary>
    public virtual KerasTensor[] ApplyMany(IReadOnlyList<KerasTensor> inputs, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var shapes = new KerasShape[inputs.Count];
        for (int i = 0; i < shapes.Length; i++) shapes[i] = inputs[i].Shape;
        CheckInputs(shapes);
        EnsureBuilt(shapes);
        CheckInputs(shapes);
        var outShapes = ComputeOutputShape(shapes);
        return AddNode(inputs, outShapes, null, training);
    }

    /// <summary>
    /// Records a call on symbolic tensors, with its layer-specific options and explicit training
    /// mode, and makes its outputs.
    /// </summary>
    internal KerasTensor[] AddNode(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasShape> outputShapes,
        CallOptions? options = null, bool? training = null, DType outputDType = DeepNet.DType.Float32, string? outputKerasDType = null)
    {
        var node = new Node(this, inputs.ToArray(), options, training);
        int nodeIndex;
        lock (_inboundNodes)
        {
            nodeIndex = _inboundNodes.Count;
            _inboundNodes.Add(node);
        }
        var outputs = new KerasTensor[outputShapes.Count];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = new KerasTensor(outputShapes[i], outputDType, this, nodeIndex, i, outputs.Length == 1 ? Name : $"{Name}_{i}", outputKerasDType);
        node.Outputs = outputs;
        return outputs;
    }

    // ---- nodes in configs ------------------------------------------------------------------------

    /// <summary>
    /// Writes one of this layer's nodes as Keras 3 writes the call (keras-compat §3.4): one input
    /// as the single positional argument, several as one list argument (merge layers), and
    /// <c>training</c> when the node fixes it. Layers whose nodes carry options write them too.
    /// </summary>
    internal virtual void WriteNode(Node node, NodeArguments into)
    {
        if (node.Options is not (null or ExplicitMaskOptions))
            throw new NotSupportedException($"Layer '{Name}' ({ClassName}) cannot write its call options ({node.Options.GetType().Name}) to a config.");
        var inputs = node.Options is ExplicitMaskOptions ? node.Inputs.Take(node.Inputs.Count - 1).ToArray() : node.Inputs;
        // new JArray(JArray) would copy, not nest.
        if (inputs.Count == 1) into.Args.Add(into.Reference(inputs[0]));
        else into.Args.Add(new JArray(inputs.Select(into.Reference).ToArray<object>()));
        if (node.Options is ExplicitMaskOptions) into.Kwargs["mask"] = into.Reference(node.Inputs[^1]);
        if (node.Training is bool training) into.Kwargs["training"] = training;
    }

    /// <summary>
    /// Makes the call a config's node describes (the inverse of <see cref="WriteNode"/>): the
    /// tensors of the first positional argument, an optional <c>training</c> and an optional
    /// <c>mask</c> tensor; any other argument with a value is an error naming it.
    /// </summary>
    internal virtual KerasTensor[] ApplyNode(NodeArguments call)
    {
        call.CheckHandled(this, 1, "training", "mask");
        var inputs = call.Tensors(this, call.Args.Count > 0 ? call.Args[0] : null, "inputs");
        if (inputs.Count == 0) throw call.Error(this, "the call has no input tensors");
        var mask = call.Tensor(this, call.Kwargs["mask"], "mask");
        return mask is null ? ApplyMany(inputs, call.OptionalFlag(this, "training"))
            : ApplyMasked(inputs, mask, call.OptionalFlag(this, "training"));
    }

    private T Single<T>(T[] outputs)
    {
        if (outputs.Length != 1)
            throw new InvalidOperationException($"Layer '{Name}' has {outputs.Length} outputs; use ApplyMany to get them all.");
        return outputs[0];
    }

    // ---- config --------------------------------------------------------------------------------

    /// <summary>
    /// The constructor arguments under Keras's key names. The base writes <c>name</c>,
    /// <c>trainable</c> and <c>dtype</c> (a DTypePolicy object, as Keras ≥ 3.4 does); each layer adds its own.
    /// </summary>
    public virtual JObject GetConfig() => new()
    {
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["dtype"] = DTypePolicyConfig(),
    };

    /// <summary>Keras 3.4+ dtype policy object for float32.</summary>
    internal static JObject DTypePolicyConfig() => new()
    {
        ["module"] = "keras",
        ["class_name"] = "DTypePolicy",
        ["config"] = new JObject { ["name"] = "float32" },
        ["registered_name"] = null,
    };

    /// <summary>Keras's <c>{"class_name", "config"}</c> envelope of this layer.</summary>
    public JObject Serialize() => new() { ["class_name"] = ClassName, ["config"] = GetConfig() };

    /// <summary>Makes a layer from a Keras config through the layer registry.</summary>
    public static Layer FromConfig(string className, JObject config) => LayerRegistry.Create(className, config);

    public override string ToString() => $"<{ClassName} name={Name}, built={Built}>";
}
