using DeepNet.Keras.Saving;
using DeepNet.Memory;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Wraps a C# function of one tensor as a layer (Keras <c>keras.layers.Lambda</c>). Config:
/// function, output_shape, arguments.
/// <para>
/// The function itself cannot be stored in a file: the config names it, as Keras names a
/// function defined in a script (<c>{"module": "__main__", "class_name": "function", "config":
/// name}</c>). Loading a model with a Lambda layer therefore needs the function registered
/// explicitly, by that name (or, for a Python lambda, which has no name, by the layer's name):
/// <c>Models.LoadModel(path, customObjects: new Dictionary&lt;string, object&gt; { ["name"] =
/// (Func&lt;Tensor, Tensor&gt;)(x =&gt; …) })</c> or <see cref="RegisterFunction"/>. This is the
/// counterpart of Keras's safe_mode: code from a file is never run.
/// </para>
/// </summary>
public sealed class Lambda : Layer
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> s_functions = new(StringComparer.Ordinal);

    /// <param name="function">The computation, written with <see cref="Ops"/> (differentiable).</param>
    /// <param name="outputShape">The output shape without the batch; null infers it by running the function once.</param>
    /// <param name="functionName">The name the config stores and loading looks up (default: the layer's name).</param>
    public Lambda(Func<Tensor, Tensor> function, int?[]? outputShape = null, string? functionName = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (outputShape is not null && outputShape.Any(d => d is <= 0))
            throw new ArgumentException($"Lambda '{Name}': output_shape must hold positive sizes or null. Received: ({string.Join(", ", outputShape)}).", nameof(outputShape));
        Function = function;
        OutputShape = outputShape is null ? null : (int?[])outputShape.Clone();
        FunctionName = string.IsNullOrEmpty(functionName) ? Name : functionName;
    }

    public override string ClassName => "Lambda";

    public Func<Tensor, Tensor> Function { get; }

    /// <summary>The output shape without the batch, or null (inferred).</summary>
    public int?[]? OutputShape { get; }

    /// <summary>The name of <see cref="Function"/> in the config.</summary>
    public string FunctionName { get; }

    /// <summary>Keras's <c>arguments</c> (keyword arguments of the Python function), kept for the config only.</summary>
    public JObject Arguments { get; private init; } = new();

    /// <summary>
    /// Makes <paramref name="function"/> available to every later load under <paramref name="name"/>
    /// (Keras <c>register_keras_serializable</c> for a function); <c>customObjects</c> of a load take precedence.
    /// </summary>
    public static void RegisterFunction(string name, Func<Tensor, Tensor> function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        lock (s_functions) s_functions[name] = function;
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Function(inputs);

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        if (OutputShape is not null) return new KerasShape([inputShape.Rank == 0 ? null : inputShape[0], .. OutputShape]);
        // Keras traces the function symbolically; here it runs once on zeros of a batch of one.
        for (int i = 1; i < inputShape.Rank; i++)
        {
            if (inputShape[i] is null)
                throw new NotSupportedException($"Lambda '{Name}': the input {inputShape} has an unknown dimension besides the batch, so the output shape cannot be inferred; pass outputShape.");
        }
        using var scope = TensorScope.Begin();
        var probe = Tensor.Zeros(inputShape.WithBatchSize(1).ToShape());
        var result = Function(probe);
        if (result.Rank == 0 || result.Shape[0] != 1)
            throw new NotSupportedException($"Lambda '{Name}': the function turned a batch of 1 {probe.Shape} into {result.Shape}; the output must keep the batch dimension, or pass outputShape.");
        var dims = KerasShape.Of(result.Shape).ToArray();
        dims[0] = inputShape[0];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["function"] = new JObject
        {
            ["module"] = "__main__",
            ["class_name"] = "function",
            ["config"] = FunctionName,
            ["registered_name"] = FunctionName,
        };
        if (OutputShape is not null) config["output_shape"] = new JArray(OutputShape.Select(d => d is int v ? new JValue(v) : JValue.CreateNull()));
        config["arguments"] = Arguments.DeepClone();
        return config;
    }

    /// <summary>
    /// Rebuilds the layer with the C# function registered for it. The config's function is a name
    /// (Keras 3 <c>{"class_name": "function"}</c>, Keras 2 <c>function_type: "raw"</c>) or Python
    /// bytecode (a lambda); a name is looked up first, then the layer's name.
    /// </summary>
    public static Lambda FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        string? name = LayerConfig.Name(config);
        var (functionName, isBytecode) = StoredFunction(config["function"], name);
        var keys = new List<string>();
        if (functionName is not null) keys.Add(functionName);
        if (name is not null && !keys.Contains(name)) keys.Add(name);
        Func<Tensor, Tensor>? function = null;
        foreach (var key in keys)
        {
            function = CustomObjectScope.Function(key);
            if (function is null) lock (s_functions) s_functions.TryGetValue(key, out function);
            if (function is not null) break;
        }
        if (function is null)
        {
            string what = isBytecode ? "a Python lambda (bytecode), which is never run here" : $"the Python function '{functionName}', which cannot run here";
            string key = keys.FirstOrDefault() ?? "name";
            throw new NotSupportedException(
                $"Lambda layer '{name}' calls {what}. Register a C# replacement under \"{key}\": " +
                $"Models.LoadModel(path, customObjects: new Dictionary<string, object> {{ [\"{key}\"] = (Func<Tensor, Tensor>)(x => ...) }}), " +
                $"or Lambda.RegisterFunction(\"{key}\", x => ...) before loading.");
        }
        if (config["mask"] is { Type: not JTokenType.Null } mask)
            throw new NotSupportedException($"Lambda layer '{name}': a mask argument ({KerasSerializer.Short(mask)}) is not supported.");
        int?[]? outputShape = config["output_shape"] is JArray shape && shape.All(d => d.Type is JTokenType.Integer or JTokenType.Null)
            ? shape.Select(d => d.Type == JTokenType.Null ? null : (int?)d.Value<int>()).ToArray()
            : null; // a Python function computing the shape: inferred instead
        var arguments = config["arguments"] as JObject ?? new JObject();
        return new Lambda(function, outputShape, functionName ?? name, name, LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config), Arguments = (JObject)arguments.DeepClone() };
    }

    /// <summary>The function's name in a stored config (null for a lambda), and whether it is bytecode.</summary>
    private static (string? Name, bool IsBytecode) StoredFunction(JToken? function, string? layerName) => function switch
    {
        JValue { Type: JTokenType.String } s => ((string)s!, false),
        JObject { } o when o.Value<string?>("class_name") == "function" && o["config"] is JValue { Type: JTokenType.String } n => ((string)n!, false),
        JObject { } o when o.Value<string?>("class_name") == "__lambda__" => (null, true),
        JArray => (null, true), // Keras 2: [code, defaults, closure] with function_type "lambda"
        _ => throw new ArgumentException($"Lambda layer '{layerName}': unreadable function entry {(function is null ? "(missing)" : KerasSerializer.Short(function))}."),
    };
}
