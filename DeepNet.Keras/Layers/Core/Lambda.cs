using DeepNet.Keras.Saving;
using DeepNet.Memory;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Wraps a C# function of one tensor, or of a list of tensors, as a layer (Keras
/// <c>keras.layers.Lambda</c>), with an optional output mask (Keras's <c>mask</c> argument: a
/// function of the inputs and their masks). Config: function, output_shape, mask, arguments.
/// <para>
/// The function itself cannot be stored in a file: the config names it, as Keras names a
/// function defined in a script (<c>{"module": "__main__", "class_name": "function", "config":
/// name}</c>). Loading a model with a Lambda layer therefore needs the function registered
/// explicitly, by that name (or, for a Python lambda, which has no name, by the layer's name):
/// <c>Models.LoadModel(path, customObjects: new Dictionary&lt;string, object&gt; { ["name"] =
/// (Func&lt;Tensor, Tensor&gt;)(x =&gt; …) })</c> or <see cref="RegisterFunction(string, Func{Tensor, Tensor})"/>.
/// A function of several inputs is a <c>Func&lt;IReadOnlyList&lt;Tensor&gt;, Tensor&gt;</c>; a mask
/// function is a <c>Func&lt;Tensor, Tensor?, Tensor?&gt;</c> (one input) or a
/// <c>Func&lt;IReadOnlyList&lt;Tensor&gt;, IReadOnlyList&lt;Tensor?&gt;, Tensor?&gt;</c>, registered
/// the same way under the mask's name. This is the counterpart of Keras's safe_mode: code from
/// a file is never run.
/// </para>
/// </summary>
public sealed class Lambda : Layer
{
    private static readonly Dictionary<string, Delegate> s_functions = new(StringComparer.Ordinal);

    // Both forms are kept as functions over lists; a one-input Lambda takes exactly one input.
    private readonly Func<IReadOnlyList<Tensor>, Tensor> _call;
    private readonly Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?>? _mask;

    /// <param name="function">The computation, written with <see cref="Ops"/> (differentiable).</param>
    /// <param name="outputShape">The output shape without the batch; null infers it by running the function once.</param>
    /// <param name="functionName">The name the config stores and loading looks up (default: the layer's name).</param>
    /// <param name="mask">Keras's <c>mask</c>: the output mask from the input and its mask (null: no output mask).</param>
    /// <param name="maskName">The name the config stores for <paramref name="mask"/> (default: the layer's name + "_mask").</param>
    public Lambda(Func<Tensor, Tensor> function, int?[]? outputShape = null, string? functionName = null, string? name = null, bool trainable = true,
        Func<Tensor, Tensor?, Tensor?>? mask = null, string? maskName = null)
        : this(ListOf(function ?? throw new ArgumentNullException(nameof(function))), function, outputShape, functionName,
               mask is null ? null : (inputs, masks) => mask(inputs[0], masks[0]), mask, maskName, name, trainable)
    {
    }

    /// <param name="function">The computation over every input, in call order, written with <see cref="Ops"/>.</param>
    /// <param name="outputShape">The output shape without the batch; null infers it by running the function once.</param>
    /// <param name="functionName">The name the config stores and loading looks up (default: the layer's name).</param>
    /// <param name="mask">Keras's <c>mask</c>: the output mask from the inputs and their masks (null entries: no mask).</param>
    /// <param name="maskName">The name the config stores for <paramref name="mask"/> (default: the layer's name + "_mask").</param>
    public Lambda(Func<IReadOnlyList<Tensor>, Tensor> function, int?[]? outputShape = null, string? functionName = null, string? name = null, bool trainable = true,
        Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?>? mask = null, string? maskName = null)
        : this(function ?? throw new ArgumentNullException(nameof(function)), function, outputShape, functionName, mask, mask, maskName, name, trainable)
    {
    }

    private Lambda(Func<IReadOnlyList<Tensor>, Tensor> call, Delegate function, int?[]? outputShape, string? functionName,
        Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?>? mask, Delegate? maskFunction, string? maskName, string? name, bool trainable)
        : base(name, trainable)
    {
        if (outputShape is not null && outputShape.Any(d => d is <= 0))
            throw new ArgumentException($"Lambda '{Name}': output_shape must hold positive sizes or null. Received: ({string.Join(", ", outputShape)}).", nameof(outputShape));
        _call = call;
        _mask = mask;
        Function = function;
        MaskFunction = maskFunction;
        OutputShape = outputShape is null ? null : (int?[])outputShape.Clone();
        FunctionName = string.IsNullOrEmpty(functionName) ? Name : functionName;
        MaskName = mask is null ? null : string.IsNullOrEmpty(maskName) ? Name + "_mask" : maskName;
    }

    private static Func<IReadOnlyList<Tensor>, Tensor> ListOf(Func<Tensor, Tensor> function) => inputs => function(inputs[0]);

    public override string ClassName => "Lambda";

    /// <summary>The function as given: a <c>Func&lt;Tensor, Tensor&gt;</c> or a <c>Func&lt;IReadOnlyList&lt;Tensor&gt;, Tensor&gt;</c>.</summary>
    public Delegate Function { get; }

    /// <summary>True when the function takes one tensor (rather than a list).</summary>
    public bool TakesOneInput => Function is Func<Tensor, Tensor>;

    /// <summary>The output shape without the batch, or null (inferred).</summary>
    public int?[]? OutputShape { get; }

    /// <summary>The name of <see cref="Function"/> in the config.</summary>
    public string FunctionName { get; }

    /// <summary>The mask function as given, or null (no output mask).</summary>
    public Delegate? MaskFunction { get; }

    /// <summary>The name of <see cref="MaskFunction"/> in the config, or null.</summary>
    public string? MaskName { get; }

    /// <summary>Keras's <c>arguments</c> (keyword arguments of the Python function), kept for the config only.</summary>
    public JObject Arguments { get; private init; } = new();

    /// <summary>Keras: a Lambda supports masking exactly when it was given a mask.</summary>
    public override bool SupportsMasking => _mask is not null;

    /// <summary>
    /// Makes <paramref name="function"/> available to every later load under <paramref name="name"/>
    /// (Keras <c>register_keras_serializable</c> for a function); <c>customObjects</c> of a load take precedence.
    /// </summary>
    public static void RegisterFunction(string name, Func<Tensor, Tensor> function) => Register(name, function);

    /// <summary>Registers the function of a Lambda over several inputs.</summary>
    public static void RegisterFunction(string name, Func<IReadOnlyList<Tensor>, Tensor> function) => Register(name, function);

    /// <summary>Registers the mask function of a one-input Lambda.</summary>
    public static void RegisterFunction(string name, Func<Tensor, Tensor?, Tensor?> mask) => Register(name, mask);

    /// <summary>Registers the mask function of a Lambda over several inputs.</summary>
    public static void RegisterFunction(string name, Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?> mask) => Register(name, mask);

    private static void Register(string name, Delegate function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        lock (s_functions) s_functions[name] = function;
    }

    public override void Build(IReadOnlyList<KerasShape> inputShapes) => CheckCount(inputShapes.Count);

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => _call([inputs]);

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        CheckCount(inputs.Count);
        return [_call(inputs)];
    }

    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => _mask?.Invoke([inputs], [mask]);

    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks) => _mask?.Invoke(inputs, masks);

    private void CheckCount(int count)
    {
        if (TakesOneInput && count != 1)
            throw new ArgumentException($"Lambda '{Name}' wraps a function of one tensor but was called on {count} inputs; give it a Func<IReadOnlyList<Tensor>, Tensor>.");
        if (count == 0) throw new ArgumentException($"Lambda '{Name}' was called on no input.");
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape) => ComputeOutputShape([inputShape])[0];

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        CheckCount(inputShapes.Count);
        int? batch = inputShapes[0].Rank == 0 ? null : inputShapes[0][0];
        if (OutputShape is not null) return [new KerasShape([batch, .. OutputShape])];
        // Keras traces the function symbolically; here it runs once on zeros of a batch of one.
        foreach (var shape in inputShapes)
        {
            for (int i = 1; i < shape.Rank; i++)
            {
                if (shape[i] is null)
                    throw new NotSupportedException($"Lambda '{Name}': the input {shape} has an unknown dimension besides the batch, so the output shape cannot be inferred; pass outputShape.");
            }
        }
        using var scope = TensorScope.Begin();
        var probes = inputShapes.Select(s => Tensor.Zeros(s.WithBatchSize(1).ToShape())).ToArray();
        var result = _call(probes);
        if (result.Rank == 0 || result.Shape[0] != 1)
            throw new NotSupportedException($"Lambda '{Name}': the function turned a batch of 1 {probes[0].Shape} into {result.Shape}; the output must keep the batch dimension, or pass outputShape.");
        var dims = KerasShape.Of(result.Shape).ToArray();
        dims[0] = batch;
        return [new KerasShape(dims)];
    }

    private static JObject FunctionConfig(string name) => new()
    {
        ["module"] = "__main__",
        ["class_name"] = "function",
        ["config"] = name,
        ["registered_name"] = name,
    };

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["function"] = FunctionConfig(FunctionName);
        if (OutputShape is not null) config["output_shape"] = new JArray(OutputShape.Select(d => d is int v ? new JValue(v) : JValue.CreateNull()));
        if (MaskName is not null) config["mask"] = FunctionConfig(MaskName);
        config["arguments"] = Arguments.DeepClone();
        return config;
    }

    /// <summary>
    /// Rebuilds the layer with the C# function registered for it. The config's function is a name
    /// (Keras 3 <c>{"class_name": "function"}</c>, Keras 2 <c>function_type: "raw"</c>) or Python
    /// bytecode (a lambda); a name is looked up first, then the layer's name. A mask function is
    /// looked up by its name, then by the layer's name + "_mask".
    /// </summary>
    public static Lambda FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        string? name = LayerConfig.Name(config);
        var (functionName, isBytecode) = StoredFunction(config["function"], name, "function");
        var function = Lookup(functionName, name, d => d is Func<Tensor, Tensor> or Func<IReadOnlyList<Tensor>, Tensor>);
        if (function is null)
        {
            string what = isBytecode ? "a Python lambda (bytecode), which is never run here" : $"the Python function '{functionName}', which cannot run here";
            string key = functionName ?? name ?? "name";
            throw new NotSupportedException(
                $"Lambda layer '{name}' calls {what}. Register a C# replacement under \"{key}\": " +
                $"Models.LoadModel(path, customObjects: new Dictionary<string, object> {{ [\"{key}\"] = (Func<Tensor, Tensor>)(x => ...) }}) " +
                $"(Func<IReadOnlyList<Tensor>, Tensor> for several inputs), or Lambda.RegisterFunction(\"{key}\", x => ...) before loading.");
        }
        Delegate? mask = null;
        string? maskName = null;
        if (config["mask"] is { Type: not JTokenType.Null } maskToken)
        {
            if (maskToken is not JObject { } m || (m.Value<string?>("class_name") is not ("function" or "__lambda__")))
                throw new NotSupportedException($"Lambda layer '{name}': a constant mask tensor ({KerasSerializer.Short(maskToken)}) is not supported; only a mask function is.");
            (maskName, bool maskIsBytecode) = StoredFunction(maskToken, name, "mask");
            string maskKey = maskName ?? (name + "_mask");
            mask = Lookup(maskName, name + "_mask", d => d is Func<Tensor, Tensor?, Tensor?> or Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?>);
            if (mask is null)
                throw new NotSupportedException(
                    $"Lambda layer '{name}' computes its mask with {(maskIsBytecode ? "a Python lambda" : $"the Python function '{maskName}'")}, which cannot run here. " +
                    $"Register a C# replacement under \"{maskKey}\": a Func<Tensor, Tensor?, Tensor?> (inputs, mask) → mask, " +
                    "or Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?> for several inputs, in customObjects or with Lambda.RegisterFunction.");
            maskName = maskKey;
        }
        int?[]? outputShape = config["output_shape"] is JArray shape && shape.All(d => d.Type is JTokenType.Integer or JTokenType.Null)
            ? shape.Select(d => d.Type == JTokenType.Null ? null : (int?)d.Value<int>()).ToArray()
            : null; // a Python function computing the shape: inferred instead
        var arguments = config["arguments"] as JObject ?? new JObject();
        string storedName = functionName ?? name ?? "";
        bool trainable = LayerConfig.Trainable(config);
        var inputShape = LayerConfig.InputShape(config);
        var args = (JObject)arguments.DeepClone();
        return function switch
        {
            Func<Tensor, Tensor> one => new Lambda(one, outputShape, storedName, name, trainable,
                mask switch
                {
                    null => null,
                    Func<Tensor, Tensor?, Tensor?> f => f,
                    _ => throw new NotSupportedException($"Lambda layer '{name}': the function takes one tensor, but the mask '{maskName}' registered takes lists."),
                }, maskName) { InputShape = inputShape, Arguments = args },
            Func<IReadOnlyList<Tensor>, Tensor> many => new Lambda(many, outputShape, storedName, name, trainable,
                mask switch
                {
                    null => null,
                    Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?> f => f,
                    Func<Tensor, Tensor?, Tensor?> f => (inputs, masks) => f(inputs[0], masks[0]),
                    _ => null,
                }, maskName) { InputShape = inputShape, Arguments = args },
            _ => throw new InvalidOperationException($"Lambda layer '{name}': unexpected function type {function.GetType().Name}."),
        };
    }

    /// <summary>The function registered under the first of <paramref name="stored"/>, <paramref name="fallback"/> that has one of the right type.</summary>
    private static Delegate? Lookup(string? stored, string? fallback, Func<Delegate, bool> fits)
    {
        foreach (var key in new[] { stored, fallback }.Where(k => !string.IsNullOrEmpty(k)).Distinct())
        {
            var found = CustomObjectScope.Function(key!);
            if (found is null || !fits(found)) lock (s_functions) found = s_functions.TryGetValue(key!, out var g) ? g : null;
            if (found is not null && fits(found)) return found;
        }
        return null;
    }

    /// <summary>The function's name in a stored config (null for a lambda), and whether it is bytecode.</summary>
    private static (string? Name, bool IsBytecode) StoredFunction(JToken? function, string? layerName, string key) => function switch
    {
        JValue { Type: JTokenType.String } s => ((string)s!, false),
        JObject { } o when o.Value<string?>("class_name") == "function" && o["config"] is JValue { Type: JTokenType.String } n => ((string)n!, false),
        JObject { } o when o.Value<string?>("class_name") == "__lambda__" => (null, true),
        JArray => (null, true), // Keras 2: [code, defaults, closure] with function_type "lambda"
        _ => throw new ArgumentException($"Lambda layer '{layerName}': unreadable {key} entry {(function is null ? "(missing)" : KerasSerializer.Short(function))}."),
    };
}
