using DeepNet.Keras.Engine;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Dot-product (Luong-style) attention (Keras <c>keras.layers.Attention</c>). Inputs
/// [query (B, Tq, dim), value (B, Tv, dim)] or [query, value, key (B, Tv, dim)]; key defaults to
/// value. Scores (B, Tq, Tv) are query·keyᵀ (times a learned scalar <c>scale</c> when use_scale),
/// or with score_mode "concat" Σ tanh(query + key) times a learned <c>concat_score_weight</c>;
/// the softmax over Tv mixes the values into (B, Tq, dim).
/// <para>Masks as Keras: the value mask and the causal mask push masked scores down by 1e9
/// before the softmax; the output is zero where the query is masked and carries the query mask.
/// The key's mask is ignored.</para>
/// <para>In a model graph, <see cref="Apply(KerasTensor, KerasTensor, KerasTensor?, bool, bool?)"/>
/// and <see cref="ApplyWithAttentionScores"/> take use_causal_mask and return_attention_scores;
/// the node keeps them (<see cref="AttentionOptions"/>) and configs write them as Keras's kwargs.</para>
/// Keras defaults: use_scale=False, score_mode="dot", dropout=0, seed=None.
/// </summary>
public class Attention : Layer
{
    private readonly SeedGenerator _seeds;
    private Variable? _scale;
    private Variable? _concatScoreWeight;

    /// <param name="useScale">Learn a scalar that multiplies the scores.</param>
    /// <param name="scoreMode">"dot" or "concat".</param>
    /// <param name="dropout">Dropout rate on the attention weights (training only).</param>
    /// <param name="seed">Seed of the dropout draws.</param>
    public Attention(bool useScale = false, string scoreMode = "dot", float dropout = 0f, int? seed = null,
        string? name = null, bool trainable = true)
        : this(useScale, dropout, seed, name, trainable)
    {
        ArgumentNullException.ThrowIfNull(scoreMode);
        if (scoreMode is not ("dot" or "concat"))
            throw new ArgumentException($"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. Received: score_mode={scoreMode}", nameof(scoreMode));
        ScoreMode = scoreMode;
    }

    /// <summary>For subclasses that compute their own scores (AdditiveAttention).</summary>
    protected Attention(bool useScale, float dropout, int? seed, string? name, bool trainable)
        : base(name, trainable)
    {
        if (!(dropout >= 0f && dropout <= 1f))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"{GetType().Name}: `dropout` must be in [0, 1]. Received: dropout={dropout}");
        UseScale = useScale;
        Dropout = dropout;
        _seeds = new SeedGenerator(seed);
    }

    public override string ClassName => "Attention";

    /// <summary>The output carries the query's mask.</summary>
    public override bool SupportsMasking => true;

    public bool UseScale { get; }

    /// <summary>"dot" or "concat" (unused by AdditiveAttention, which has its own scores).</summary>
    public string ScoreMode { get; } = "dot";

    public float Dropout { get; }

    public int? Seed => _seeds.Seed;

    /// <summary>The learned scale (a scalar here, (dim,) for AdditiveAttention); null without use_scale or before build.</summary>
    public Variable? Scale => _scale;

    /// <summary>The learned scalar of score_mode "concat"; null otherwise.</summary>
    public Variable? ConcatScoreWeight => _concatScoreWeight;

    // ---- build ---------------------------------------------------------------------------------

    public override void Build(KerasShape inputShape) =>
        throw new ArgumentException($"{ClassName} layer must be called on a list of inputs, namely [query, value] or [query, value, key]. Received one input of shape {inputShape}.");

    public override void Build(IReadOnlyList<KerasShape> inputShapes)
    {
        var (query, value, key) = Unpack(inputShapes);
        CheckShapes(query, value, key);
        _scale = MakeScale(query);
        if (ScoreMode == "concat")
            _concatScoreWeight = AddWeight("concat_score_weight", Shape.Scalar, KerasObjects.Initializer("ones"));
    }

    /// <summary>The <c>scale</c> weight when use_scale (a scalar of ones here).</summary>
    protected virtual Variable? MakeScale(KerasShape queryShape) =>
        UseScale ? AddWeight("scale", Shape.Scalar, KerasObjects.Initializer("ones")) : null;

    private T[] CheckCount<T>(IReadOnlyList<T> inputs)
    {
        if (inputs.Count is < 2 or > 3)
            throw new ArgumentException($"{ClassName} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: {inputs.Count}.");
        return inputs.ToArray();
    }

    private (T Query, T Value, T Key) Unpack<T>(IReadOnlyList<T> inputs)
    {
        var a = CheckCount(inputs);
        return (a[0], a[1], a.Length == 3 ? a[2] : a[1]);
    }

    private void CheckShapes(KerasShape query, KerasShape value, KerasShape key)
    {
        if (query.Rank < 2 || value.Rank != query.Rank || key.Rank != query.Rank)
            throw new ShapeMismatchException(Name, $"{ClassName} expects query (…, Tq, dim), value (…, Tv, dim) and key (…, Tv, dim) of one rank ≥ 2; got query {query}, value {value}, key {key}.");
        if (query.Last is int dq && key.Last is int dk && dq != dk)
            throw new ShapeMismatchException(Name, $"query {query} and key {key} must have the same last dimension.");
        if (value[-2] is int tv && key[-2] is int tk && tv != tk)
            throw new ShapeMismatchException(Name, $"value {value} and key {key} must have the same number of positions (axis -2).");
    }

    // ---- scores --------------------------------------------------------------------------------

    /// <summary>Scores (…, Tq, Tv) from query (…, Tq, dim) and key (…, Tv, dim).</summary>
    protected virtual Tensor CalculateScores(Tensor query, Tensor key)
    {
        if (ScoreMode == "dot")
        {
            var scores = Ops.MatMul(query, key, transposeB: true);
            return _scale is null ? scores : Ops.Multiply(scores, _scale.Value);
        }
        // concat: Σ_d tanh(scale·(q + k)) over pairs (…, Tq, 1, dim) + (…, 1, Tv, dim).
        var sum = PairwiseSum(query, key);
        if (_scale is not null) sum = Ops.Multiply(sum, _scale.Value);
        return Ops.Multiply(Ops.Sum(Ops.Tanh(sum), [-1]), _concatScoreWeight!.Value);
    }

    /// <summary>query (…, Tq, dim) + key (…, Tv, dim) broadcast to (…, Tq, Tv, dim).</summary>
    protected static Tensor PairwiseSum(Tensor query, Tensor key) =>
        Ops.Add(Ops.ExpandDims(query, -2), Ops.ExpandDims(key, -3));

    // ---- applying in a graph ---------------------------------------------------------------------

    /// <summary>Applies the layer to symbolic [query, value(, key)] (Keras <c>layer([q, v], use_causal_mask=…)</c>).</summary>
    /// <param name="training">Fixes dropout on or off for this call; null follows the model.</param>
    /// <param name="queryMask">(…, Tq) explicit query mask (Keras <c>mask=[query_mask, value_mask]</c>): the output is zero where it is 0.</param>
    /// <param name="valueMask">(…, Tv) explicit value mask: masked positions get no weight.</param>
    /// <remarks>With an explicit mask (either one), the graph's masks of the inputs are not used, as in Keras.</remarks>
    public KerasTensor Apply(KerasTensor query, KerasTensor value, KerasTensor? key = null, bool useCausalMask = false, bool? training = null,
        KerasTensor? queryMask = null, KerasTensor? valueMask = null) =>
        ApplyAttention(query, value, key, new AttentionOptions(useCausalMask, HasQueryMask: queryMask is not null, HasValueMask: valueMask is not null),
            training, queryMask, valueMask)[0];

    /// <summary>As <see cref="Apply(KerasTensor, KerasTensor, KerasTensor?, bool, bool?)"/> with return_attention_scores=True: also the weights (…, Tq, Tv).</summary>
    public (KerasTensor Output, KerasTensor Scores) ApplyWithAttentionScores(KerasTensor query, KerasTensor value,
        KerasTensor? key = null, bool useCausalMask = false, bool? training = null)
    {
        var outputs = ApplyAttention(query, value, key, new AttentionOptions(useCausalMask, ReturnAttentionScores: true), training);
        return (outputs[0], outputs[1]);
    }

    private KerasTensor[] ApplyAttention(KerasTensor query, KerasTensor value, KerasTensor? key, AttentionOptions options, bool? training,
        KerasTensor? queryMask = null, KerasTensor? valueMask = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        KerasTensor[] inputs = key is null ? [query, value] : [query, value, key];
        // A call with no options is a plain one, as the list form makes it.
        if (options == new AttentionOptions()) return ApplyMany(inputs, training);
        var shapes = inputs.Select(t => t.Shape).ToArray();
        var (q, v, k) = Unpack(shapes);
        CheckShapes(q, v, k);
        EnsureBuilt(shapes);
        var outputShapes = new List<KerasShape>(ComputeOutputShape(shapes));
        if (options.ReturnAttentionScores) outputShapes.Add(new KerasShape([.. q.ToArray()[..^1], v[-2]]));
        CheckSymbolicMask(queryMask, q, "query");
        CheckSymbolicMask(valueMask, v, "value");
        KerasTensor[] masks = [.. new[] { queryMask, valueMask }.OfType<KerasTensor>()];
        return AddNode([.. inputs, .. masks], outputShapes, options, training);
    }

    /// <summary>The call's mask is the list [query_mask, value_mask]: use Apply's queryMask and valueMask.</summary>
    public override KerasTensor[] ApplyMasked(IReadOnlyList<KerasTensor> inputs, KerasTensor mask, bool? training = null) =>
        throw new NotSupportedException($"{ClassName} '{Name}' takes mask=[query_mask, value_mask]; give Apply's queryMask and valueMask instead.");

    /// <summary>A symbolic mask must have its input's shape without the last axis; unknown dims match.</summary>
    private void CheckSymbolicMask(KerasTensor? mask, KerasShape input, string what)
    {
        if (mask is null) return;
        bool ok = mask.Shape.Rank == input.Rank - 1;
        for (int i = 0; ok && i < mask.Shape.Rank; i++)
        {
            if (mask.Shape[i] is int m && input[i] is int d && m != d) ok = false;
        }
        if (!ok) throw new ShapeMismatchException(Name, $"the {what} mask {mask.Shape} must have the {what}'s shape without its last axis, {input}.");
    }

    /// <summary>A node's [query, value(, key)] list and its query and value masks: explicit ones when the call gives any, else the graph's.</summary>
    private (Tensor[] Inputs, Tensor? QueryMask, Tensor? ValueMask) NodeInputs(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, AttentionOptions o)
    {
        int listCount = inputs.Count - o.MaskCount;
        var list = inputs.Take(listCount).ToArray();
        if (o.MaskCount == 0) return (list, masks.Count > 0 ? masks[0] : null, masks.Count > 1 ? masks[1] : null);
        int next = listCount;
        var queryMask = o.HasQueryMask ? inputs[next++] : null;
        var valueMask = o.HasValueMask ? inputs[next] : null;
        return (list, queryMask, valueMask);
    }

    /// <summary>Runs a node: the [query, value(, key)] list with its masks and the node's options.</summary>
    public override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, CallOptions? options, bool training)
    {
        if (options is null) return CallMasked(inputs, masks, training);
        if (options is not AttentionOptions o)
            throw new NotSupportedException($"Layer '{Name}' ({ClassName}) does not take {options.GetType().Name}.");
        var (list, queryMask, valueMask) = NodeInputs(inputs, masks, o);
        var (q, v, k) = Unpack(list);
        var (output, scores) = Run(q, v, k, queryMask, valueMask, training, o.UseCausalMask);
        return o.ReturnAttentionScores ? [output, scores] : [output];
    }

    /// <summary>The query mask the call used (Keras's compute_mask returns mask[0]), explicit or the graph's.</summary>
    public override Tensor? ComputeNodeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, CallOptions? options)
    {
        if (options is not AttentionOptions { MaskCount: > 0 } o) return base.ComputeNodeMask(inputs, masks, options);
        var queryMask = NodeInputs(inputs, masks, o).QueryMask;
        return queryMask is null ? null : ExplicitMaskOptions.ToLayerMask(queryMask);
    }

    /// <summary>Writes a node as Keras 3 does for <c>layer([q, v], mask=[qm, vm], use_causal_mask=True, return_attention_scores=True)</c>.</summary>
    internal override void WriteNode(Node node, NodeArguments into)
    {
        int maskCount = node.Options is AttentionOptions a ? a.MaskCount : 0;
        int listCount = node.Inputs.Count - maskCount;
        into.Args.Add(new JArray(node.Inputs.Take(listCount).Select(into.Reference).ToArray<object>()));
        if (node.Options is AttentionOptions o)
        {
            if (maskCount > 0)
            {
                int next = listCount;
                into.Kwargs["mask"] = new JArray(
                    o.HasQueryMask ? into.Reference(node.Inputs[next++]) : JValue.CreateNull(),
                    o.HasValueMask ? into.Reference(node.Inputs[next]) : JValue.CreateNull());
            }
            if (o.UseCausalMask) into.Kwargs["use_causal_mask"] = true;
            if (o.ReturnAttentionScores) into.Kwargs["return_attention_scores"] = true;
        }
        if (node.Training is bool training) into.Kwargs["training"] = training;
    }

    /// <summary>Rebuilds a call from a config: the list, <c>mask=[query_mask, value_mask]</c> (either may be null), and the flags.</summary>
    internal override KerasTensor[] ApplyNode(NodeArguments call)
    {
        call.CheckHandled(this, 1, "inputs", "mask", "use_causal_mask", "return_attention_scores", "training");
        var tensors = call.Tensors(this, call.Argument(0, "inputs"), "inputs");
        if (tensors.Count is < 2 or > 3)
            throw call.Error(this, $"the inputs must be [query, value] or [query, value, key], found {tensors.Count} tensors");
        KerasTensor? queryMask = null, valueMask = null;
        switch (call.Kwargs["mask"])
        {
            case null or { Type: JTokenType.Null }:
                break;
            // Keras reads mask[0] and mask[1]; a key mask after them is ignored.
            case JArray { Count: >= 2 } list:
                queryMask = call.Tensor(this, list[0], "mask[0]");
                valueMask = call.Tensor(this, list[1], "mask[1]");
                break;
            case var other:
                throw call.Error(this, $"argument 'mask' must be a list [query_mask, value_mask], found {KerasSerializer.Short(other)}");
        }
        var options = new AttentionOptions(call.Flag(this, "use_causal_mask"), call.Flag(this, "return_attention_scores"),
            queryMask is not null, valueMask is not null);
        return ApplyAttention(tensors[0], tensors[1], tensors.Count > 2 ? tensors[2] : null, options, call.OptionalFlag(this, "training"),
            queryMask, valueMask);
    }

    // ---- call ----------------------------------------------------------------------------------

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false) =>
        CallMasked(inputs, new Tensor?[inputs.Count], training);

    /// <summary>The graph form: [query, value] or [query, value, key] with their masks.</summary>
    public override Tensor[] CallMasked(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false)
    {
        var (q, v, k) = Unpack(inputs);
        return [Run(q, v, k, masks.Count > 0 ? masks[0] : null, masks.Count > 1 ? masks[1] : null, training, false).Output];
    }

    /// <summary>
    /// Keras's <c>call([query, value, key], mask=[query_mask, value_mask], training, use_causal_mask)</c>.
    /// </summary>
    public Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null,
        bool training = false, bool useCausalMask = false) =>
        Run(query, value, key ?? value, queryMask, valueMask, training, useCausalMask).Output;

    /// <summary>As <c>Call</c> with return_attention_scores=True: also the weights (…, Tq, Tv) after masking and softmax.</summary>
    public (Tensor Output, Tensor Scores) CallWithAttentionScores(Tensor query, Tensor value, Tensor? key = null,
        Tensor? queryMask = null, Tensor? valueMask = null, bool training = false, bool useCausalMask = false) =>
        Run(query, value, key ?? value, queryMask, valueMask, training, useCausalMask);

    private (Tensor Output, Tensor Scores) Run(Tensor query, Tensor value, Tensor key, Tensor? queryMask, Tensor? valueMask,
        bool training, bool useCausalMask)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        var shapes = new[] { KerasShape.Of(query.Shape), KerasShape.Of(value.Shape), KerasShape.Of(key.Shape) };
        CheckShapes(shapes[0], shapes[1], shapes[2]);
        EnsureBuilt(shapes);
        int tq = query.Shape[-2], tv = value.Shape[-2];
        CheckMask(queryMask, query, "query");
        CheckMask(valueMask, value, "value");

        var scores = CalculateScores(query, key);
        Tensor? scoresMask;
        using (NoTape.Begin())
        {
            scoresMask = valueMask is null ? null : Ops.ExpandDims(AttentionMasks.ToBinary(valueMask), -2);   // (…, 1, Tv)
            if (useCausalMask)
            {
                var causal = AttentionMasks.Causal(tq, tv, query.Backend);
                if (query.Rank != 3) causal = Ops.Reshape(causal, [.. Enumerable.Repeat(1, query.Rank - 2), tq, tv]);
                scoresMask = AttentionMasks.And(scoresMask, causal);
            }
        }
        // Keras subtracts 1e9 from the masked scores.
        if (scoresMask is not null) scores = ScoresMinusLarge(scores, scoresMask);
        var weights = Ops.Softmax(scores, -1);
        var used = weights;
        if (training && Dropout > 0f)
        {
            var (seed, offset) = _seeds.Next();
            used = Ops.Dropout(weights, Dropout, seed, offset);
        }
        var output = Ops.MatMul(used, value);
        if (queryMask is not null)
        {
            Tensor keep;
            using (NoTape.Begin()) keep = Ops.ExpandDims(AttentionMasks.ToBinary(queryMask), -1);
            output = Ops.Multiply(output, keep);
        }
        return (output, weights);
    }

    private static Tensor ScoresMinusLarge(Tensor scores, Tensor mask)
    {
        Tensor shift;
        using (NoTape.Begin()) shift = Ops.Multiply(Ops.Subtract(1f, mask), AttentionMasks.LargeNegative);
        return Ops.Add(scores, shift);
    }

    private void CheckMask(Tensor? mask, Tensor input, string what)
    {
        if (mask is not null && mask.Shape != new Shape(input.Shape.ToArray()[..^1]))
            throw new ShapeMismatchException(Name, $"the {what} mask {mask.Shape} must have the {what}'s shape without its last axis, {new Shape(input.Shape.ToArray()[..^1])}.");
    }

    /// <summary>The query's mask (Keras <c>compute_mask</c> returns mask[0]).</summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks) =>
        masks.Count > 0 ? masks[0] : null;

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        var (query, value, _) = Unpack(inputShapes);
        return [new KerasShape([.. query.ToArray()[..^1], value.Last])];
    }

    // ---- config --------------------------------------------------------------------------------

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["use_scale"] = UseScale;
        config["score_mode"] = ScoreMode;
        config["dropout"] = Dropout;
        config["seed"] = Seed;
        return config;
    }

    public static Attention FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Attention(
            useScale: LayerConfig.Get(config, "use_scale", false),
            scoreMode: LayerConfig.Get(config, "score_mode", "dot"),
            dropout: LayerConfig.Get(config, "dropout", 0f),
            seed: config["seed"] is { Type: JTokenType.Integer } s ? s.Value<int>() : null,
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config));
    }
}
