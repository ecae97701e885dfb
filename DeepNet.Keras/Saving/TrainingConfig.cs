using DeepNet.Keras.Losses;
using DeepNet.Keras.Metrics;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Training;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Saving;

/// <summary>
/// The compile arguments stored with a model (keras-compat §1.2 <c>training_config</c>, §3.1
/// <c>compile_config</c>), in Keras 3's keys and order: loss, loss_weights, metrics,
/// weighted_metrics, run_eagerly, steps_per_execution, jit_compile, and the optimizer
/// (<c>optimizer_config</c> last in .h5 files, <c>optimizer</c> first in .keras archives).
/// Restoring is best effort, as in Keras: an optimizer, loss or metric this library cannot
/// rebuild gives a warning and an uncompiled model, never a failed load. The optimizer's state
/// is restored separately (<see cref="OptimizerState"/>).
/// </summary>
internal static class TrainingConfig
{
    /// <summary>
    /// The training_config (legacy .h5: nested objects as <c>{"class_name", "config"}</c>) or the
    /// compile_config (.keras: Keras 3 envelopes) of a compiled model; null when not compiled.
    /// </summary>
    public static JObject? Write(Model model, bool legacy)
    {
        if (!model.IsCompiled || model.Optimizer is null) return null;
        JToken Object(JObject envelope) => legacy ? new JObject { ["class_name"] = envelope["class_name"], ["config"] = envelope["config"] } : envelope;

        var losses = model.CompiledLosses;
        JToken LossJson(Loss? l) => l is null ? JValue.CreateNull() : Object(Losses.Losses.Serialize(l));
        JToken loss = losses.Count == 1 ? LossJson(losses[0]) : new JArray(losses.Select(LossJson).ToArray<object>());
        JToken lossWeights = model.CompiledLossWeights is { } w ? new JArray(w.Select(x => (object)(double)x).ToArray()) : JValue.CreateNull();
        // Names stay names (Keras resolves "accuracy" by the label shape when it compiles).
        JToken MetricsJson(IReadOnlyList<KerasRef<Metric>> list) => list.Count == 0
            ? JValue.CreateNull()
            : new JArray(list.Select(m => m.Instance is { } metric ? Object(Metrics.Metrics.Serialize(metric)) : new JValue(m.Name)).ToArray<object>());
        var optimizer = Optimizers.Optimizers.Serialize(model.Optimizer);

        var config = new JObject();
        if (!legacy) config["optimizer"] = optimizer;
        config["loss"] = loss;
        config["loss_weights"] = lossWeights;
        config["metrics"] = MetricsJson(model.CompiledMetrics);
        config["weighted_metrics"] = MetricsJson(model.CompiledWeightedMetrics);
        config["run_eagerly"] = false;
        config["steps_per_execution"] = 1;
        config["jit_compile"] = false;
        if (legacy) config["optimizer_config"] = Object(optimizer);
        return config;
    }

    /// <summary>Compiles <paramref name="model"/> from a training_config / compile_config, or warns and leaves it uncompiled.</summary>
    public static void Restore(Model model, JObject config, string source)
    {
        try
        {
            var optimizerToken = config["optimizer_config"] ?? config["optimizer"];
            if (optimizerToken is null || optimizerToken.Type == JTokenType.Null)
            {
                LegacyH5Format.Warn($"{source}: the training config has no optimizer; the model is loaded uncompiled.");
                return;
            }
            var optimizer = Optimizers.Optimizers.Get(UpgradeKeras2Optimizer(optimizerToken));
            KerasRef<Loss>? loss = null;
            List<KerasRef<Loss>?>? perOutput = null;
            switch (config["loss"])
            {
                case JValue { Type: JTokenType.String } name:
                    loss = (string)name!;
                    break;
                case JObject function when FunctionName(function) is { } name:
                    loss = name;
                    break;
                case JObject obj when obj["class_name"] is not null:
                    loss = Losses.Losses.Get(obj)!;
                    break;
                case JObject byOutput:
                    perOutput = model.OutputNames.Select(n => LossRef(byOutput[n])).ToList();
                    break;
                case JArray list:
                    perOutput = list.Select(LossRef).ToList();
                    break;
            }
            var metrics = new List<KerasRef<Metric>>();
            CollectMetrics(config["metrics"], metrics, 0);
            var weighted = new List<KerasRef<Metric>>();
            CollectMetrics(config["weighted_metrics"], weighted, 0);
            var lossWeights = LossWeights(config["loss_weights"], model);
            var weightedOrNull = weighted.Count > 0 ? weighted : null;
            if (perOutput is not null) model.Compile(optimizer, metrics: metrics, losses: perOutput, lossWeights: lossWeights, weightedMetrics: weightedOrNull);
            else model.Compile(optimizer, loss, metrics, lossWeights: lossWeights, weightedMetrics: weightedOrNull);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException or KeyNotFoundException or FormatException or InvalidCastException)
        {
            LegacyH5Format.Warn($"{source}: could not restore the compile arguments ({e.Message}); the model is loaded uncompiled.");
        }
    }

    /// <summary>
    /// Keras 2 optimizer configs: <c>lr</c> → <c>learning_rate</c>; a zero <c>decay</c> (the old
    /// default) is dropped. A non-zero decay stays and is reported by the optimizer registry.
    /// </summary>
    private static JToken UpgradeKeras2Optimizer(JToken token)
    {
        if (token is not JObject { } envelope || envelope["config"] is not JObject config) return token;
        var copy = (JObject)envelope.DeepClone();
        var c = (JObject)copy["config"]!;
        if (c["lr"] is JToken lr && c["learning_rate"] is null)
        {
            c["learning_rate"] = lr;
            c.Remove("lr");
        }
        if (c["decay"] is JValue decay && decay.Type is JTokenType.Float or JTokenType.Integer && (double)decay == 0) c.Remove("decay");
        _ = config;
        return copy;
    }

    private static KerasRef<Loss>? LossRef(JToken? token) => token switch
    {
        null or { Type: JTokenType.Null } => null,
        JValue { Type: JTokenType.String } s => (KerasRef<Loss>)(string)s!,
        JObject function when FunctionName(function) is { } name => name,
        _ => Losses.Losses.Get(token)!,
    };

    /// <summary>
    /// A Keras 3 serialized built-in function (<c>{"module": "builtins", "class_name": "function",
    /// "config": "categorical_crossentropy"}</c>, written when a loss or metric was given as a
    /// function): its name; null for anything else.
    /// </summary>
    private static string? FunctionName(JObject envelope) =>
        envelope.Value<string?>("class_name") == "function" && envelope["config"] is JValue { Type: JTokenType.String } name ? (string)name! : null;

    /// <summary>loss_weights: null, a list (one per output) or a dict keyed by output name.</summary>
    private static IReadOnlyList<float>? LossWeights(JToken? token, Model model) => token switch
    {
        null or { Type: JTokenType.Null } => null,
        JArray list => list.Select(t => (float)t).ToArray(),
        JObject byOutput => model.OutputNames.Select(n => byOutput[n] is { Type: not JTokenType.Null } t ? (float)t : 1f).ToArray(),
        JValue { Type: JTokenType.Float or JTokenType.Integer } one => [(float)one],
        _ => throw new FormatException($"loss_weights must be a list or a dict, found {token.Type}."),
    };

    private static void CollectMetrics(JToken? token, List<KerasRef<Metric>> into, int depth)
    {
        if (token is null || depth > 4) return;
        switch (token)
        {
            case JValue { Type: JTokenType.String } s:
                if (!into.Any(m => m.Name == (string)s!)) into.Add((string)s!);
                break;
            case JArray list:
                foreach (var item in list) CollectMetrics(item, into, depth + 1);
                break;
            case JObject function when FunctionName(function) is { } functionName:
                if (!into.Any(m => m.Name == functionName)) into.Add(functionName);
                break;
            case JObject obj when obj["class_name"] is not null:
                // Keras 2 writes MeanMetricWrapper objects; keep the user's name so "accuracy" resolves by shape.
                string? name = obj["config"]?["name"]?.Value<string>();
                if (name is not null && (name is "accuracy" or "acc")) into.Add(name);
                else into.Add(Metrics.Metrics.Get(obj)!);
                break;
            case JObject perOutput:
                foreach (var p in perOutput.Properties()) CollectMetrics(p.Value, into, depth + 1);
                break;
        }
    }
}
