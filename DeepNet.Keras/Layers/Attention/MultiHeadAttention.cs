using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Multi-head scaled dot-product attention (Keras <c>keras.layers.MultiHeadAttention</c>).
/// query (B, T…, dim_q), value (B, S…, dim_v) and an optional key (B, S…, dim_k; value by
/// default) are projected to heads — kernels (dim, num_heads, key_dim) and biases
/// (num_heads, key_dim), value_dim for the value — then each head computes
/// softmax(q·kᵀ / √key_dim) over the key positions and mixes the values; the output kernel
/// (num_heads, value_dim, out…) maps the heads back to the query's width (or output_shape).
/// Weights in Keras's order: query, key, (gate), value, attention_output; kernel then bias.
/// <para>Masks: the query's and value's (and key's) Keras masks, an explicit attention_mask
/// (B, T, S) and the causal mask are ANDed; masked scores become −1e9 before the softmax, as
/// Keras's Softmax does. The output carries the query's mask.</para>
/// <para>Attention runs over every axis between the batch and the features (Keras's default
/// attention_axes); other attention_axes are not supported.</para>
/// <para>In a model graph it is applied as Keras 3 calls it,
/// <see cref="Apply(KerasTensor, KerasTensor, KerasTensor?, KerasTensor?, bool, bool?)"/> with
/// an optional key, attention_mask tensor and use_causal_mask (and
/// <see cref="ApplyWithAttentionScores"/> for return_attention_scores); the node keeps these
/// (<see cref="MultiHeadAttentionOptions"/>) and configs write them as Keras's args/kwargs.
/// Eagerly, <see cref="Call(Tensor, Tensor, Tensor?, Tensor?, bool, bool, Tensor?, Tensor?, Tensor?)"/>.</para>
/// Keras defaults: value_dim=None (key_dim), dropout=0, use_bias=True, output_shape=None,
/// attention_axes=None, use_gate=False, sliding_window=None, kernel_initializer="glorot_uniform",
/// bias_initializer="zeros".
/// </summary>
public sealed class MultiHeadAttention : Layer
{
    private readonly SeedGenerator _seeds;
    private AttentionProjection? _queryDense;
    private AttentionProjection? _keyDense;
    private AttentionProjection? _gateDense;
    private AttentionProjection? _valueDense;
    private AttentionProjection? _outputDense;
    private int _queryRank;

    /// <param name="numHeads">Number of attention heads.</param>
    /// <param name="keyDim">Size of each head for query and key.</param>
    /// <param name="valueDim">Size of each head for value; null is <paramref name="keyDim"/>.</param>
    /// <param name="dropout">Dropout rate on the attention probabilities (training only).</param>
    /// <param name="outputShape">Trailing output dims; null projects back to the query's last dim.</param>
    /// <param name="attentionAxes">Axes attended over; only null (all axes between batch and features) or those axes.</param>
    /// <param name="slidingWindow">If set, position i attends only to keys with |i − j| &lt; slidingWindow.</param>
    /// <param name="useGate">Multiplies each head's output by sigmoid(query projection) before the output projection.</param>
    /// <param name="seed">Seed of the dropout draws.</param>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, float dropout = 0f, bool useBias = true,
        int[]? outputShape = null, int[]? attentionAxes = null, int? slidingWindow = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, bool useGate = false, int? seed = null,
        string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        if (numHeads <= 0)
            throw new ArgumentOutOfRangeException(nameof(numHeads), $"Received an invalid value for argument `num_heads`, expected a positive integer. Received: num_heads={numHeads}");
        if (keyDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(keyDim), $"Received an invalid value for argument `key_dim`, expected a positive integer. Received: key_dim={keyDim}");
        if (valueDim is <= 0)
            throw new ArgumentOutOfRangeException(nameof(valueDim), $"Received an invalid value for argument `value_dim`, expected a positive integer or `None`. Received: value_dim={valueDim}");
        if (!(dropout >= 0f && dropout <= 1f))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiHeadAttention: `dropout` must be in [0, 1]. Received: dropout={dropout}");
        if (slidingWindow is <= 0)
            throw new ArgumentOutOfRangeException(nameof(slidingWindow), $"`sliding_window` must be `None` or a positive integer. Received: sliding_window={slidingWindow}");
        if (outputShape is not null && (outputShape.Length == 0 || outputShape.Any(d => d <= 0)))
            throw new ArgumentException($"Invalid `output_shape`: ({string.Join(", ", outputShape)}). When specified, the `output_shape` should be positive ints.", nameof(outputShape));
        NumHeads = numHeads;
        KeyDim = keyDim;
        ValueDim = valueDim ?? keyDim;
        Dropout = dropout;
        UseBias = useBias;
        UseGate = useGate;
        OutputShape = outputShape is null ? null : (int[])outputShape.Clone();
        AttentionAxes = attentionAxes is null ? null : (int[])attentionAxes.Clone();
        SlidingWindow = slidingWindow;
        KernelInitializer = kernelInitializer ?? KerasObjects.Initializer("glorot_uniform");
        BiasInitializer = biasInitializer ?? KerasObjects.Initializer("zeros");
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
        _seeds = new SeedGenerator(seed);
    }

    public override string ClassName => "MultiHeadAttention";

    /// <summary>The output carries the query's mask (Keras <c>supports_masking = True</c>).</summary>
    public override bool SupportsMasking => true;

    public int NumHeads { get; }

    public int KeyDim { get; }

    /// <summary>The value head size (key_dim when not given).</summary>
    public int ValueDim { get; }

    public float Dropout { get; }

    public bool UseBias { get; }

    public bool UseGate { get; }

    /// <summary>The trailing output dims, or null for the query's last dim.</summary>
    public IReadOnlyList<int>? OutputShape { get; }

    /// <summary>
    /// The attended axes: null until build unless given; after build the resolved axes (as Keras,
    /// whose config then holds them).
    /// </summary>
    public IReadOnlyList<int>? AttentionAxes { get; private set; }

    public int? SlidingWindow { get; }

    public int? Seed => _seeds.Seed;

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? KernelConstraint { get; }

    public Constraint? BiasConstraint { get; }

    /// <summary>The query projection (Keras <c>query_dense</c>, named "query"); null before build.</summary>
    public AttentionProjection? QueryDense => _queryDense;

    /// <summary>The key projection ("key"); null before build.</summary>
    public AttentionProjection? KeyDense => _keyDense;

    /// <summary>The gate projection ("gate", sigmoid) when use_gate; else null.</summary>
    public AttentionProjection? GateDense => _gateDense;

    /// <summary>The value projection ("value"); null before build.</summary>
    public AttentionProjection? ValueDense => _valueDense;

    /// <summary>The output projection ("attention_output"); null before build.</summary>
    public AttentionProjection? OutputDense => _outputDense;

    /// <summary>Keras's attribute names of the projections (<c>_query_dense</c>…), the groups of its weights.</summary>
    protected internal override string? SublayerAttributeName(Layer sublayer) =>
        ReferenceEquals(sublayer, _queryDense) ? "_query_dense"
        : ReferenceEquals(sublayer, _keyDense) ? "_key_dense"
        : ReferenceEquals(sublayer, _valueDense) ? "_value_dense"
        : ReferenceEquals(sublayer, _outputDense) ? "_output_dense"
        : ReferenceEquals(sublayer, _gateDense) ? "_gate_dense"
        : null;

    // ---- build ---------------------------------------------------------------------------------

    /// <summary>Builds for query, value and optional key shapes (Keras <c>build(query_shape, value_shape, key_shape)</c>).</summary>
    public void Build(KerasShape queryShape, KerasShape valueShape, KerasShape? keyShape = null) =>
        EnsureBuilt(keyShape is null ? [queryShape, valueShape] : [queryShape, valueShape, keyShape]);

    public override void Build(KerasShape inputShape) =>
        throw new ArgumentException($"Layer '{Name}' (MultiHeadAttention) needs the query and value shapes: [query, value] or [query, value, key].");

    public override void Build(IReadOnlyList<KerasShape> inputShapes)
    {
        var (query, value, key) = Unpack(inputShapes);
        CheckShapes(query, value, key);
        _queryRank = query.Rank;
        int featureAxis = query.Rank - 1;
        var expected = Enumerable.Range(1, query.Rank - 2).ToArray();
        if (AttentionAxes is not null)
        {
            var given = AttentionAxes.Select(a => a >= 0 ? a : query.Rank + a).ToArray();
            if (!given.SequenceEqual(expected))
                throw new NotSupportedException($"MultiHeadAttention '{Name}': attention_axes=({string.Join(", ", AttentionAxes)}) is not supported; only attention over every axis between the batch and the features ({string.Join(", ", expected)}) is.");
        }
        AttentionAxes = expected;

        AttentionProjection Projection(int rank, int bound, int[] outDims, string name, string? activation = null) => Track(new AttentionProjection(
            rank, bound, outDims, UseBias, activation, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer,
            ActivityRegularizer, KernelConstraint, BiasConstraint, name));

        // Sublayers in Keras's build order, which is the order of the weights.
        _queryDense = Projection(query.Rank, 1, [NumHeads, KeyDim], "query");
        _queryDense.EnsureBuilt(query);
        _keyDense = Projection(key.Rank, 1, [NumHeads, KeyDim], "key");
        _keyDense.EnsureBuilt(key);
        if (UseGate)
        {
            _gateDense = Projection(query.Rank, 1, [NumHeads, ValueDim], "gate", "sigmoid");
            _gateDense.EnsureBuilt(query);
        }
        _valueDense = Projection(value.Rank, 1, [NumHeads, ValueDim], "value");
        _valueDense.EnsureBuilt(value);
        int[] outDims = OutputShape is null ? [query[featureAxis]!.Value] : [.. OutputShape];
        _outputDense = Projection(query.Rank + 1, 2, outDims, "attention_output");
        var headsShape = _queryDense.ComputeOutputShape(query).ToArray();
        headsShape[^1] = ValueDim;
        _outputDense.EnsureBuilt(new KerasShape(headsShape));
    }

    private (KerasShape Query, KerasShape Value, KerasShape Key) Unpack(IReadOnlyList<KerasShape> shapes)
    {
        if (shapes.Count is < 2 or > 3)
            throw new ArgumentException($"Layer '{Name}' (MultiHeadAttention) takes [query, value] or [query, value, key]; received {shapes.Count} input(s).");
        return (shapes[0], shapes[1], shapes.Count == 3 ? shapes[2] : shapes[1]);
    }

    private void CheckShapes(KerasShape query, KerasShape value, KerasShape key)
    {
        if (query.Rank < 3)
            throw new ShapeMismatchException(Name, $"MultiHeadAttention expects a query of shape (batch, positions…, features); got {query}.");
        if (value.Rank != query.Rank || key.Rank != query.Rank)
            throw new ShapeMismatchException(Name, $"query {query}, value {value} and key {key} must have the same rank.");
        for (int i = 1; i < value.Rank - 1; i++)
        {
            if (value[i] is int v && key[i] is int k && v != k)
                throw new ShapeMismatchException(Name, $"All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape={value} and key_shape={key}");
        }
        if (query.Last is null || value.Last is null || key.Last is null)
            throw new ShapeMismatchException(Name, $"the feature (last) dimensions must be known; got query {query}, value {value}, key {key}.");
    }

    // ---- applying in a graph ---------------------------------------------------------------------

    /// <summary>
    /// Applies the layer to symbolic tensors (Keras <c>mha(query, value, key, attention_mask=…,
    /// use_causal_mask=…)</c> in a functional model); the call's arguments stay on the node.
    /// </summary>
    /// <param name="attentionMask">(B, T, S) tensor, non-zero where query position t may attend to key position s.</param>
    /// <param name="training">Fixes dropout on or off for this call; null follows the model.</param>
    /// <param name="queryMask">(B, T) query_mask argument. As in Keras 3, the call uses the query's own mask instead; the node keeps it.</param>
    /// <param name="valueMask">(B, S) value_mask, non-zero keeps a key position; replaces the value's own mask.</param>
    /// <param name="keyMask">(B, S) key_mask; replaces the key's own mask.</param>
    public KerasTensor Apply(KerasTensor query, KerasTensor value, KerasTensor? key = null, KerasTensor? attentionMask = null,
        bool useCausalMask = false, bool? training = null, KerasTensor? queryMask = null, KerasTensor? valueMask = null,
        KerasTensor? keyMask = null) =>
        ApplyAttention(query, value, key, attentionMask, new MultiHeadAttentionOptions(key is not null, attentionMask is not null, useCausalMask,
            HasQueryMask: queryMask is not null, HasValueMask: valueMask is not null, HasKeyMask: keyMask is not null), training,
            queryMask, valueMask, keyMask)[0];

    /// <summary>
    /// As <see cref="Apply(KerasTensor, KerasTensor, KerasTensor?, KerasTensor?, bool, bool?)"/>
    /// with return_attention_scores=True: also the attention probabilities (B, heads, T…, S…).
    /// </summary>
    public (KerasTensor Output, KerasTensor Scores) ApplyWithAttentionScores(KerasTensor query, KerasTensor value,
        KerasTensor? key = null, KerasTensor? attentionMask = null, bool useCausalMask = false, bool? training = null)
    {
        var outputs = ApplyAttention(query, value, key, attentionMask,
            new MultiHeadAttentionOptions(key is not null, attentionMask is not null, useCausalMask, ReturnAttentionScores: true), training);
        return (outputs[0], outputs[1]);
    }

    /// <summary>The list form [query, value] or [query, value, key], as a call without options.</summary>
    public override KerasTensor[] ApplyMany(IReadOnlyList<KerasTensor> inputs, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count is < 2 or > 3)
            throw new ArgumentException($"Layer '{Name}' (MultiHeadAttention) takes [query, value] or [query, value, key]; received {inputs.Count} input(s).");
        return ApplyAttention(inputs[0], inputs[1], inputs.Count > 2 ? inputs[2] : null, null,
            new MultiHeadAttentionOptions(HasKey: inputs.Count > 2), training);
    }

    private KerasTensor[] ApplyAttention(KerasTensor query, KerasTensor value, KerasTensor? key, KerasTensor? attentionMask,
        MultiHeadAttentionOptions options, bool? training, KerasTensor? queryMask = null, KerasTensor? valueMask = null, KerasTensor? keyMask = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        var shapes = key is null ? new[] { query.Shape, value.Shape } : new[] { query.Shape, value.Shape, key.Shape };
        CheckShapes(query.Shape, value.Shape, (key ?? value).Shape);
        EnsureBuilt(shapes);
        if (query.Shape.Rank != _queryRank)
            throw new ShapeMismatchException(Name, $"was built for rank-{_queryRank} inputs, got query {query.Shape}.");
        if (options.UseCausalMask && query.Shape.Rank != 3)
            throw new NotSupportedException($"MultiHeadAttention '{Name}': use_causal_mask needs (batch, positions, features) inputs; got query {query.Shape}.");
        if (attentionMask is not null) CheckAttentionMaskShape(attentionMask.Shape, query.Shape, value.Shape);
        var outputShapes = new List<KerasShape>(ComputeOutputShape(shapes));
        if (options.ReturnAttentionScores)
            outputShapes.Add(new KerasShape([query.Shape[0], NumHeads, .. query.Shape.ToArray()[1..^1], .. value.Shape.ToArray()[1..^1]]));
        var inputs = new List<KerasTensor> { query, value };
        if (key is not null) inputs.Add(key);
        if (attentionMask is not null) inputs.Add(attentionMask);
        CheckPaddingMask(queryMask, query.Shape, "query");
        CheckPaddingMask(valueMask, value.Shape, "value");
        CheckPaddingMask(keyMask, (key ?? value).Shape, "key");
        if (queryMask is not null) inputs.Add(queryMask);
        if (valueMask is not null) inputs.Add(valueMask);
        if (keyMask is not null) inputs.Add(keyMask);
        return AddNode(inputs, outputShapes, options, training);
    }

    /// <summary>A symbolic query/value/key mask must have the (batch, positions…) shape of its tensor; unknown dims match.</summary>
    private void CheckPaddingMask(KerasTensor? mask, KerasShape input, string what)
    {
        if (mask is null) return;
        bool ok = mask.Shape.Rank == input.Rank - 1;
        for (int i = 0; ok && i < mask.Shape.Rank; i++)
        {
            if (mask.Shape[i] is int m && input[i] is int d && m != d) ok = false;
        }
        if (!ok)
            throw new ShapeMismatchException(Name, $"{what}_mask {mask.Shape} must have the (batch, positions…) shape of the {what} {input}.");
    }

    /// <summary>MultiHeadAttention's call has no <c>mask</c> argument; its masks are query_mask, value_mask, key_mask and attention_mask.</summary>
    public override KerasTensor[] ApplyMasked(IReadOnlyList<KerasTensor> inputs, KerasTensor mask, bool? training = null) =>
        throw new NotSupportedException($"MultiHeadAttention '{Name}' takes no mask= argument; give Apply's attentionMask, valueMask or keyMask instead.");

    /// <summary>A symbolic attention_mask must be (batch, T…, S…) or (T…, S…); unknown dims match.</summary>
    private void CheckAttentionMaskShape(KerasShape mask, KerasShape query, KerasShape value)
    {
        var positions = query.ToArray()[1..^1].Concat(value.ToArray()[1..^1]).ToArray();
        int offset = mask.Rank - positions.Length;
        bool ok = offset is 0 or 1;
        for (int i = 0; ok && i < positions.Length; i++)
        {
            if (mask[offset + i] is int m && positions[i] is int p && m != p) ok = false;
        }
        if (!ok)
            throw new ShapeMismatchException(Name, $"attention_mask {mask} must be (batch, query positions…, key positions…) = {new KerasShape([query[0], .. positions])}, or that without the batch.");
    }

    /// <summary>Runs a node: query, value, then the key and attention_mask its options say it has.</summary>
    public override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, CallOptions? options, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var o = options switch
        {
            MultiHeadAttentionOptions m => m,
            null => new MultiHeadAttentionOptions(HasKey: inputs.Count > 2),
            _ => throw new NotSupportedException($"Layer '{Name}' (MultiHeadAttention) does not take {options.GetType().Name}."),
        };
        if (inputs.Count != o.InputCount)
            throw new ArgumentException($"Layer '{Name}' (MultiHeadAttention): the call reads {o.InputCount} tensors ({o}), received {inputs.Count}.");
        Tensor? Mask(int i) => i < masks.Count ? masks[i] : null;
        int next = 2;
        var key = o.HasKey ? inputs[next] : null;
        var keyMask = o.HasKey ? Mask(next++) : null;
        var attentionMask = o.HasAttentionMask ? inputs[next++] : null;
        // As Keras 3's call: the query's own mask counts, not a query_mask argument (kept on the node
        // only); value_mask and key_mask given explicitly replace the tensors' own masks.
        if (o.HasQueryMask) next++;
        var valueMask = o.HasValueMask ? inputs[next++] : Mask(1);
        if (o.HasKeyMask) keyMask = inputs[next];
        var (output, scores) = Run(inputs[0], inputs[1], key, attentionMask, training, o.UseCausalMask, Mask(0), valueMask, keyMask);
        return o.ReturnAttentionScores ? [output, scores] : [output];
    }

    /// <summary>
    /// Writes a node as Keras 3 does for <c>mha(query, value[, key], attention_mask=…,
    /// use_causal_mask=True, return_attention_scores=True, training=…)</c>.
    /// </summary>
    internal override void WriteNode(Node node, NodeArguments into)
    {
        var o = node.Options as MultiHeadAttentionOptions ?? new MultiHeadAttentionOptions(HasKey: node.Inputs.Count > 2);
        into.Args.Add(into.Reference(node.Inputs[0]));
        into.Args.Add(into.Reference(node.Inputs[1]));
        int next = 2;
        if (o.HasKey) into.Args.Add(into.Reference(node.Inputs[next++]));
        if (o.HasAttentionMask) into.Kwargs["attention_mask"] = into.Reference(node.Inputs[next++]);
        if (o.HasQueryMask) into.Kwargs["query_mask"] = into.Reference(node.Inputs[next++]);
        if (o.HasValueMask) into.Kwargs["value_mask"] = into.Reference(node.Inputs[next++]);
        if (o.HasKeyMask) into.Kwargs["key_mask"] = into.Reference(node.Inputs[next]);
        if (o.UseCausalMask) into.Kwargs["use_causal_mask"] = true;
        if (o.ReturnAttentionScores) into.Kwargs["return_attention_scores"] = true;
        if (node.Training is bool training) into.Kwargs["training"] = training;
    }

    /// <summary>
    /// Rebuilds a call from a config: query, value and key positional or by keyword, the
    /// attention_mask, query_mask, value_mask and key_mask tensors and the flags; DeepNet's earlier
    /// single list argument [query, value(, key)] too.
    /// </summary>
    internal override KerasTensor[] ApplyNode(NodeArguments call)
    {
        call.CheckHandled(this, 3, "query", "value", "key", "attention_mask", "use_causal_mask", "return_attention_scores", "training",
            "query_mask", "value_mask", "key_mask");
        KerasTensor query, value;
        KerasTensor? key;
        if (call.Args.Count == 1 && call.Args[0] is JArray list)
        {
            var tensors = call.Tensors(this, list, "inputs");
            if (tensors.Count is < 2 or > 3) throw call.Error(this, $"a list argument must hold [query, value] or [query, value, key], found {tensors.Count} tensors");
            (query, value, key) = (tensors[0], tensors[1], tensors.Count > 2 ? tensors[2] : null);
        }
        else
        {
            query = call.Tensor(this, call.Argument(0, "query"), "query") ?? throw call.Error(this, "the call has no query");
            value = call.Tensor(this, call.Argument(1, "value"), "value") ?? throw call.Error(this, "the call has no value");
            key = call.Tensor(this, call.Argument(2, "key"), "key");
        }
        var attentionMask = call.Tensor(this, call.Kwargs["attention_mask"], "attention_mask");
        var queryMask = call.Tensor(this, call.Kwargs["query_mask"], "query_mask");
        var valueMask = call.Tensor(this, call.Kwargs["value_mask"], "value_mask");
        var keyMask = call.Tensor(this, call.Kwargs["key_mask"], "key_mask");
        var options = new MultiHeadAttentionOptions(key is not null, attentionMask is not null,
            call.Flag(this, "use_causal_mask"), call.Flag(this, "return_attention_scores"),
            queryMask is not null, valueMask is not null, keyMask is not null);
        return ApplyAttention(query, value, key, attentionMask, options, call.OptionalFlag(this, "training"), queryMask, valueMask, keyMask);
    }

    // ---- call ----------------------------------------------------------------------------------

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false) =>
        CallMasked(inputs, new Tensor?[inputs.Count], training);

    /// <summary>The graph form: [query, value] or [query, value, key] with their Keras masks.</summary>
    public override Tensor[] CallMasked(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count is < 2 or > 3)
            throw new ArgumentException($"Layer '{Name}' (MultiHeadAttention) takes [query, value] or [query, value, key]; received {inputs.Count} input(s).");
        Tensor? Mask(int i) => i < masks.Count ? masks[i] : null;
        return [Run(inputs[0], inputs[1], inputs.Count > 2 ? inputs[2] : null, null, training, false,
            Mask(0), Mask(1), inputs.Count > 2 ? Mask(2) : null).Output];
    }

    /// <summary>
    /// Keras's <c>call(query, value, key=None, attention_mask=None, training, use_causal_mask)</c>;
    /// the query/value/key masks are the Keras masks of those inputs (1 keeps a position).
    /// </summary>
    /// <param name="attentionMask">(B, T, S) or (T, S), 1 where query position t may attend to key position s.</param>
    public Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null, bool training = false,
        bool useCausalMask = false, Tensor? queryMask = null, Tensor? valueMask = null, Tensor? keyMask = null) =>
        Run(query, value, key, attentionMask, training, useCausalMask, queryMask, valueMask, keyMask).Output;

    /// <summary>
    /// As <see cref="Call(Tensor, Tensor, Tensor?, Tensor?, bool, bool, Tensor?, Tensor?, Tensor?)"/> with
    /// return_attention_scores=True: also the attention probabilities (B, heads, T…, S…), before dropout.
    /// </summary>
    public (Tensor Output, Tensor Scores) CallWithAttentionScores(Tensor query, Tensor value, Tensor? key = null,
        Tensor? attentionMask = null, bool training = false, bool useCausalMask = false, Tensor? queryMask = null,
        Tensor? valueMask = null, Tensor? keyMask = null) =>
        Run(query, value, key, attentionMask, training, useCausalMask, queryMask, valueMask, keyMask);

    private (Tensor Output, Tensor Scores) Run(Tensor query, Tensor value, Tensor? key, Tensor? attentionMask, bool training,
        bool useCausalMask, Tensor? queryMask, Tensor? valueMask, Tensor? keyMask)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        var keyInput = key ?? value;
        var shapes = new[] { KerasShape.Of(query.Shape), KerasShape.Of(value.Shape), KerasShape.Of(keyInput.Shape) };
        CheckShapes(shapes[0], shapes[1], shapes[2]);
        EnsureBuilt(key is null ? shapes[..2] : shapes);
        if (query.Rank != _queryRank)
            throw new ShapeMismatchException(Name, $"was built for rank-{_queryRank} inputs, got query {query.Shape}.");
        if (query.Shape[0] != value.Shape[0] || keyInput.Shape[0] != value.Shape[0])
            throw new ShapeMismatchException(Name, $"query {query.Shape}, value {value.Shape} and key {keyInput.Shape} must have the same batch size.");

        int batch = query.Shape[0];
        var queryPositions = query.Shape.ToArray()[1..^1];
        var keyPositions = value.Shape.ToArray()[1..^1];
        int t = queryPositions.Aggregate(1, (a, d) => a * d);
        int s = keyPositions.Aggregate(1, (a, d) => a * d);
        var mask = CombinedMask(query, batch, t, s, queryPositions, keyPositions, attentionMask, useCausalMask, queryMask, valueMask, keyMask);

        // Heads first, positions flattened: (B, N, T, key_dim), (B, N, S, key_dim), (B, N, S, value_dim).
        Tensor Heads(Tensor projected, int positions, int width) =>
            Ops.Transpose(Ops.Reshape(projected, batch, positions, NumHeads, width), 0, 2, 1, 3);
        var gate = _gateDense?.Call(query);
        // Keras scales the query, not the scores.
        var q = Heads(Ops.Multiply(_queryDense!.Call(query), 1f / MathF.Sqrt(KeyDim)), t, KeyDim);
        var k = Heads(_keyDense!.Call(keyInput), s, KeyDim);
        var v = Heads(_valueDense!.Call(value), s, ValueDim);

        var scores = Ops.MatMul(q, k, transposeB: true);                    // (B, N, T, S)
        if (mask is not null) scores = AttentionMasks.Replace(scores, Ops.ExpandDims(mask, 1));
        var probs = Ops.Softmax(scores, -1);
        var dropped = training && Dropout > 0f ? DropoutOf(probs) : probs;
        var context = Ops.Transpose(Ops.MatMul(dropped, v), 0, 2, 1, 3);   // (B, T, N, value_dim)
        context = Ops.Reshape(context, [batch, .. queryPositions, NumHeads, ValueDim]);
        if (gate is not null) context = Ops.Multiply(context, gate);
        var output = _outputDense!.Call(context);
        var scoresOut = Ops.Reshape(probs, [batch, NumHeads, .. queryPositions, .. keyPositions]);
        return (output, scoresOut);
    }

    private Tensor DropoutOf(Tensor probs)
    {
        var (seed, offset) = _seeds.Next();
        return Ops.Dropout(probs, Dropout, seed, offset);
    }

    /// <summary>
    /// Keras's <c>_compute_attention_mask</c>: query mask (B, T, 1) AND value mask (B, 1, S) AND key
    /// mask AND causal/sliding-window (1, T, S) AND attention_mask; (B|1, T, S) or null.
    /// </summary>
    private Tensor? CombinedMask(Tensor query, int batch, int t, int s, int[] queryPositions, int[] keyPositions,
        Tensor? attentionMask, bool useCausalMask, Tensor? queryMask, Tensor? valueMask, Tensor? keyMask)
    {
        if ((useCausalMask || SlidingWindow is not null) && query.Rank != 3)
            throw new NotSupportedException($"MultiHeadAttention '{Name}': use_causal_mask and sliding_window need (batch, positions, features) inputs; got query {query.Shape}.");
        using var noTape = NoTape.Begin();
        Tensor? PaddingMask(Tensor? m, int[] positions, int length, string what, int expandAxis)
        {
            if (m is null) return null;
            if (m.Shape != new Shape([batch, .. positions]))
                throw new ShapeMismatchException(Name, $"the {what} mask {m.Shape} must have the (batch, positions) shape {new Shape([batch, .. positions])} of the {what}.");
            return Ops.ExpandDims(Ops.Reshape(AttentionMasks.ToBinary(m), batch, length), expandAxis);
        }
        var combined = PaddingMask(queryMask, queryPositions, t, "query", -1);
        combined = AttentionMasks.And(combined, PaddingMask(valueMask, keyPositions, s, "value", -2));
        combined = AttentionMasks.And(combined, PaddingMask(keyMask, keyPositions, s, "key", -2));
        if (useCausalMask) combined = AttentionMasks.And(combined, AttentionMasks.Causal(t, s, query.Backend));
        if (SlidingWindow is int w) combined = AttentionMasks.And(combined, AttentionMasks.SlidingWindow(t, s, w, query.Backend));
        if (attentionMask is not null)
        {
            int n = queryPositions.Length + keyPositions.Length;
            var dims = attentionMask.Shape.ToArray();
            bool withBatch = dims.Length == n + 1;
            if ((dims.Length != n && !withBatch) || !dims[^n..].SequenceEqual([.. queryPositions, .. keyPositions])
                || (withBatch && dims[0] != batch && dims[0] != 1))
                throw new ShapeMismatchException(Name, $"attention_mask {attentionMask.Shape} must be (batch, query positions…, key positions…) = {new Shape([batch, .. queryPositions, .. keyPositions])}, or that without the batch.");
            var m = Ops.Reshape(AttentionMasks.ToBinary(attentionMask), withBatch ? dims[0] : 1, t, s);
            combined = AttentionMasks.And(m, combined);
        }
        return combined;
    }

    /// <summary>The query's mask (Keras sets it on the output).</summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks) =>
        masks.Count > 0 ? masks[0] : null;

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        var (query, value, key) = Unpack(inputShapes);
        CheckShapes(query, value, key);
        if (OutputShape is null) return [query];
        return [new KerasShape([.. query.ToArray()[..^1], .. OutputShape.Select(d => (int?)d)])];
    }

    // ---- config --------------------------------------------------------------------------------

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["num_heads"] = NumHeads;
        config["key_dim"] = KeyDim;
        config["value_dim"] = ValueDim;
        config["dropout"] = Dropout;
        config["use_bias"] = UseBias;
        config["use_gate"] = UseGate;
        config["output_shape"] = OutputShape is null ? null : LayerConfig.ToJson(OutputShape);
        config["attention_axes"] = AttentionAxes is null ? null : LayerConfig.ToJson(AttentionAxes);
        config["sliding_window"] = SlidingWindow;
        config["kernel_initializer"] = KerasObjects.Serialize(KernelInitializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        config["kernel_regularizer"] = KerasObjects.Serialize(KernelRegularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        config["kernel_constraint"] = KerasObjects.Serialize(KernelConstraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        config["seed"] = Seed;
        return config;
    }

    /// <summary>
    /// Reads a Keras 3 config, or a Keras 2 one (no use_gate/sliding_window/seed; its
    /// query_shape/value_shape/key_shape build the layer, softmax_robust_masking is ignored).
    /// </summary>
    public static MultiHeadAttention FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        static int[]? IntOrList(JToken? t) => t switch
        {
            null or { Type: JTokenType.Null } => null,
            JArray a => a.Count == 0 ? null : a.Select(x => x.Value<int>()).ToArray(),
            _ => [t.Value<int>()],
        };
        var layer = new MultiHeadAttention(
            numHeads: config.Value<int>("num_heads"),
            keyDim: config.Value<int>("key_dim"),
            valueDim: config["value_dim"] is { Type: JTokenType.Integer } vd ? vd.Value<int>() : null,
            dropout: LayerConfig.Get(config, "dropout", 0f),
            useBias: LayerConfig.Get(config, "use_bias", true),
            outputShape: IntOrList(config["output_shape"]),
            attentionAxes: IntOrList(config["attention_axes"]),
            slidingWindow: config["sliding_window"] is { Type: JTokenType.Integer } sw ? sw.Value<int>() : null,
            kernelInitializer: config["kernel_initializer"] is { Type: not JTokenType.Null } k ? KerasObjects.Initializer(k) : null,
            biasInitializer: config["bias_initializer"] is { Type: not JTokenType.Null } b ? KerasObjects.Initializer(b) : null,
            kernelRegularizer: KerasObjects.Regularizer(config["kernel_regularizer"]),
            biasRegularizer: KerasObjects.Regularizer(config["bias_regularizer"]),
            activityRegularizer: KerasObjects.Regularizer(config["activity_regularizer"]),
            kernelConstraint: KerasObjects.Constraint(config["kernel_constraint"]),
            biasConstraint: KerasObjects.Constraint(config["bias_constraint"]),
            useGate: LayerConfig.Get(config, "use_gate", false),
            seed: config["seed"] is { Type: JTokenType.Integer } seed ? seed.Value<int>() : null,
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config));
        if (config["query_shape"] is JArray qs && config["value_shape"] is JArray vs)
        {
            var key = config["key_shape"] is JArray ks ? KerasShape.FromJson(ks) : null;
            layer.Build(KerasShape.FromJson(qs), KerasShape.FromJson(vs), key);
        }
        return layer;
    }
}
