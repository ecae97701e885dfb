using DeepNet.Keras.Losses;
using DeepNet.Keras.Metrics;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Training;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Saving;

/// <summary>
/// The compile arguments stored with a model (keras-compat §1.2 <c>training_config</c>, §3.1
/// <c>compile_config</c>). Restoring is best effort, as in Keras: an optimizer, loss or metric
/// this library cannot rebuild gives a warning and an uncompiled model, never a failed load.
/// Optimizer state (optimizer_weights) is not restored: a loaded model resumes with a fresh optimizer.
/// </summary>
internal static class TrainingConfig
{
    /// <summary>The training_config of a compiled model (null when not compiled).</summary>
    public static JObject? Write(Model model)
    {
        if (!model.IsCompiled || model.Optimizer is null) return null;
        var losses = model.CompiledLosses;
        JToken loss = losses.Count == 1
            ? (losses[0] is { } l ? Losses.Losses.Serialize(l) : JValue.CreateNull())
            : new JArray(losses.Select(x => x is null ? (JToken)JValue.CreateNull() : Losses.Losses.Serialize(x)).ToArray<object>());
        return new JObject
        {
            ["loss"] = loss,
            ["metrics"] = null,
            ["weighted_metrics"] = null,
            ["loss_weights"] = null,
            ["optimizer_config"] = Optimizers.Optimizers.Serialize(model.Optimizer),
        };
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
            if (perOutput is not null) model.Compile(optimizer, metrics: metrics, losses: perOutput);
            else model.Compile(optimizer, loss, metrics);
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
        _ => Losses.Losses.Get(token)!,
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
