using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Saving;

/// <summary>One weight array read from a legacy file, before it is matched to a variable.</summary>
internal sealed record WeightArray(float[] Values, int[] Shape)
{
    public string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    public bool Matches(Shape shape) => Shape.SequenceEqual(shape);
}

/// <summary>
/// The conversions Keras applies when it reads legacy <c>.h5</c> weights (keras-compat §1.7):
/// Keras 1 kernels and per-gate recurrent weights, and the weights of the cuDNN recurrent layers
/// (CuDNNLSTM, CuDNNGRU) read into LSTM and GRU(reset_after=True). Also the config side: the
/// cuDNN layer classes become the equivalent LSTM and GRU.
/// </summary>
internal static class LegacyConversions
{
    // ---- configs -------------------------------------------------------------------------------

    /// <summary>Layer classes that are read as another class (the cuDNN layers of Keras 2).</summary>
    public static bool IsConvertedClass(string className) => className is "CuDNNLSTM" or "CuDNNGRU";

    /// <summary>
    /// The class and config that stand for <paramref name="className"/>: a CuDNNLSTM is an LSTM
    /// with tanh and sigmoid, a CuDNNGRU a GRU with reset_after=True (the cuDNN formula).
    /// Other classes come back unchanged.
    /// </summary>
    public static (string ClassName, JObject Config) ConvertLayerConfig(string className, JObject config)
    {
        if (!IsConvertedClass(className)) return (className, config);
        if (config.Value<bool?>("time_major") == true)
            throw new NotSupportedException($"{className} with time_major=True is not supported (only batch-major sequences are).");
        // cuDNN kernels have fixed activations, always a bias and no dropout; Keras 2's keys
        // (implementation, time_major) mark the config as written by Keras 2.
        config["activation"] = "tanh";
        config["recurrent_activation"] = "sigmoid";
        config["use_bias"] = true;
        config["dropout"] = 0.0;
        config["recurrent_dropout"] = 0.0;
        config["unroll"] = false;
        config["implementation"] = 2;
        config["time_major"] = false;
        if (className == "CuDNNGRU")
        {
            config["reset_after"] = true;
            return ("GRU", config);
        }
        return ("LSTM", config);
    }

    /// <summary>
    /// Converts cuDNN layers wrapped inside <paramref name="config"/> (a Bidirectional's
    /// <c>layer</c>/<c>backward_layer</c>, a TimeDistributed's <c>layer</c>), in place.
    /// </summary>
    public static void ConvertWrapped(JObject config, int depth = 0)
    {
        if (depth > 16) return;
        foreach (var key in new[] { "layer", "backward_layer" })
        {
            if (config[key] is not JObject { } envelope || envelope["config"] is not JObject inner) continue;
            if (envelope["class_name"] is JValue { Type: JTokenType.String } name && IsConvertedClass((string)name!))
            {
                var (className, converted) = ConvertLayerConfig((string)name!, inner);
                envelope["class_name"] = className;
                envelope["config"] = converted;
            }
            ConvertWrapped((JObject)envelope["config"]!, depth + 1);
        }
    }

    // ---- weights -------------------------------------------------------------------------------

    /// <summary>
    /// Keras's <c>preprocess_weights_for_loading</c>: turns the arrays a file holds for
    /// <paramref name="layer"/> into the arrays its variables expect. <paramref name="kerasVersion"/>
    /// is the file's keras_version ("1" when the file has none, as Keras reads it).
    /// </summary>
    public static List<WeightArray> Preprocess(Layer layer, List<WeightArray> weights, string kerasVersion)
    {
        // Wrappers and nested models: convert their inner layers' parts.
        if (layer is Layers.Bidirectional bi)
        {
            int half = weights.Count / 2;
            var forward = Preprocess(bi.Forward, weights.GetRange(0, half), kerasVersion);
            forward.AddRange(Preprocess(bi.Backward, weights.GetRange(half, weights.Count - half), kerasVersion));
            weights = forward;
        }
        if (layer is Layers.TimeDistributed td) weights = Preprocess(td.Inner, weights, kerasVersion);
        else if (layer is Model model) weights = ConvertNestedModel(model, weights, kerasVersion);

        // Keras 2 converts when the weights group has no keras_version ("1"); Keras 1.x never
        // wrote one there, but a "1.x" version can only mean Keras 1 as well.
        if (kerasVersion == "1" || kerasVersion.StartsWith("1.", StringComparison.Ordinal)) weights = Keras1(layer, weights);

        // A kernel stored in Theano order: Keras moves the axes whenever the stored shape differs
        // from the variable's (here only when the result fits, so a plain mismatch reports the
        // shape the file holds).
        if (layer.ClassName is "Conv2D" or "Conv2DTranspose" && weights.Count > 0 && weights[0].Shape.Length == 4
            && LegacyH5Format.LegacyWeights(layer) is { Count: > 0 } vars && !weights[0].Matches(vars[0].Shape))
        {
            var moved = Transpose(weights[0], [3, 2, 0, 1]);
            if (moved.Matches(vars[0].Shape)) weights[0] = moved;
        }
        return ConvertCudnn(layer, weights);
    }

    /// <summary>Splits a nested model's flat list (all trainable, then all non-trainable) per sublayer.</summary>
    private static List<WeightArray> ConvertNestedModel(Model model, List<WeightArray> weights, string kerasVersion)
    {
        int trainableCount = Math.Min(model.TrainableWeights.Count, weights.Count);
        var trainable = weights.GetRange(0, trainableCount);
        var nonTrainable = weights.GetRange(trainableCount, weights.Count - trainableCount);
        var newTrainable = new List<WeightArray>();
        var newNonTrainable = new List<WeightArray>();
        int t = 0, n = 0;
        foreach (var sub in model.Layers)
        {
            int nt = sub.TrainableWeights.Count, nn = sub.NonTrainableWeights.Count;
            if (nt + nn == 0) continue;
            if (t + nt > trainable.Count || n + nn > nonTrainable.Count) return weights; // counts checked by the caller
            var part = trainable.GetRange(t, nt);
            part.AddRange(nonTrainable.GetRange(n, nn));
            var converted = Preprocess(sub, part, kerasVersion);
            if (converted.Count != nt + nn) return weights;
            newTrainable.AddRange(converted.GetRange(0, nt));
            newNonTrainable.AddRange(converted.GetRange(nt, nn));
            t += nt;
            n += nn;
        }
        newTrainable.AddRange(trainable.Skip(t));
        newNonTrainable.AddRange(nonTrainable.Skip(n));
        newTrainable.AddRange(newNonTrainable);
        return newTrainable;
    }

    /// <summary>Keras 1 layouts: Conv1D kernels with a dummy axis, per-gate LSTM/GRU weights.</summary>
    private static List<WeightArray> Keras1(Layer layer, List<WeightArray> weights)
    {
        var vars = LegacyH5Format.LegacyWeights(layer);
        switch (layer.ClassName)
        {
            case "Conv1D" when weights.Count > 0 && weights[0].Shape.Length == 4 && vars.Count > 0:
            {
                var kernel = weights[0];
                var target = vars[0].Shape; // (k, in, filters)
                if (kernel.Shape[0] != target[0] || kernel.Shape[1] != 1 || kernel.Shape[3] != target[2])
                {
                    // Keras 1.1: (filters, in, k, 1)
                    kernel = Transpose(kernel, [2, 3, 1, 0]);
                }
                if (kernel.Shape[1] != 1)
                    throw new NotSupportedException($"Conv1D '{layer.Name}': a Keras 1 kernel of shape {weights[0].ShapeText} does not fit {H5Weights.Format(target)}.");
                weights[0] = new WeightArray(kernel.Values, [kernel.Shape[0], kernel.Shape[2], kernel.Shape[3]]);
                break;
            }
            case "Conv2D" when weights.Count > 0 && weights[0].Shape.Length == 4 && DataFormat(layer) == "channels_first":
                weights[0] = Transpose(weights[0], [2, 3, 1, 0]);
                break;
            case "Conv2DTranspose" when weights.Count > 0 && weights[0].Shape.Length == 4:
                weights[0] = Transpose(weights[0], DataFormat(layer) == "channels_first" ? [2, 3, 0, 1] : [0, 1, 3, 2]);
                break;
            case "GRU" when weights.Count == 9:
                // z, r, h, each as W, U, b
                weights = [Concat(weights[0], weights[3], weights[6]), Concat(weights[1], weights[4], weights[7]), Concat(weights[2], weights[5], weights[8])];
                break;
            case "LSTM" when weights.Count == 12:
                // Keras 1 stored the gates as i, c, f, o; Keras 2 concatenates i, f, c, o.
                weights =
                [
                    Concat(weights[0], weights[6], weights[3], weights[9]),
                    Concat(weights[1], weights[7], weights[4], weights[10]),
                    Concat(weights[2], weights[8], weights[5], weights[11]),
                ];
                break;
        }
        return weights;
    }

    private static string? DataFormat(Layer layer) => layer.GetConfig().Value<string?>("data_format");

    /// <summary>
    /// Keras's <c>_convert_rnn_weights</c>, in the loading direction: a cuDNN-saved LSTM (bias
    /// 8u: input and recurrent biases) or GRU (bias 6u) into the plain layer. Each gate's input
    /// kernel is stored as cuDNN's (u, in) row-major matrix and each recurrent kernel transposed.
    /// </summary>
    private static List<WeightArray> ConvertCudnn(Layer layer, List<WeightArray> weights)
    {
        string target = layer.ClassName;
        if (target is not ("LSTM" or "GRU") || weights.Count != 3 || weights[1].Shape.Length != 2) return weights;
        int units = weights[1].Shape[0];
        var bias = weights[2];
        if (target == "LSTM")
        {
            const int gates = 4;
            if (bias.Shape.SequenceEqual([2 * units * gates]))
                return [FromCudnnInput(weights[0], gates), FromCudnnRecurrent(weights[1], gates), SumHalves(bias)];
            if (bias.Shape.SequenceEqual([units * gates])) return weights;
            throw new NotSupportedException($"LSTM '{layer.Name}': invalid bias shape {bias.ShapeText} (expected ({units * gates},), or ({2 * units * gates},) from CuDNNLSTM).");
        }
        {
            const int gates = 3;
            bool resetAfter = layer is Layers.GRU { Cell: Layers.GRUCell { ResetAfter: true } };
            string source;
            if (bias.Shape.SequenceEqual([2 * units * gates])) source = "CuDNNGRU";
            else if (bias.Shape.SequenceEqual([2, units * gates])) source = "GRU(reset_after=True)";
            else if (bias.Shape.SequenceEqual([units * gates])) source = "GRU(reset_after=False)";
            else throw new NotSupportedException($"GRU '{layer.Name}': invalid bias shape {bias.ShapeText}.");
            string targetKind = resetAfter ? "GRU(reset_after=True)" : "GRU(reset_after=False)";
            if (source == targetKind) return weights;
            if (source == "GRU(reset_after=False)" || targetKind == "GRU(reset_after=False)")
                throw new NotSupportedException($"GRU '{layer.Name}': weights of a {source} are not compatible with {targetKind}.");
            // CuDNNGRU → GRU(reset_after=True): rows of the bias are the input and recurrent biases.
            return [FromCudnnInput(weights[0], gates), FromCudnnRecurrent(weights[1], gates), new WeightArray(bias.Values, [2, units * gates])];
        }
    }

    /// <summary>
    /// Per gate block of the (in, gates·u) kernel: the block's values, read in row-major order,
    /// are cuDNN's (u, in) matrix W; the Keras kernel block is Wᵀ.
    /// </summary>
    private static WeightArray FromCudnnInput(WeightArray kernel, int gates)
    {
        int rows = kernel.Shape[0], cols = kernel.Shape[1];
        if (kernel.Shape.Length != 2 || cols % gates != 0)
            throw new NotSupportedException($"A cuDNN input kernel of shape {kernel.ShapeText} does not split into {gates} gates.");
        int u = cols / gates;
        var result = new float[kernel.Values.Length];
        for (int g = 0; g < gates; g++)
        {
            for (int a = 0; a < rows; a++)
            {
                for (int b = 0; b < u; b++)
                {
                    // Flat row-major index into the stored block, read as W[b, a] of a (u, rows) matrix.
                    int flat = b * rows + a;
                    result[a * cols + g * u + b] = kernel.Values[(flat / u) * cols + g * u + flat % u];
                }
            }
        }
        return new WeightArray(result, kernel.Shape);
    }

    /// <summary>Per gate block of the (u, gates·u) recurrent kernel: the transpose.</summary>
    private static WeightArray FromCudnnRecurrent(WeightArray kernel, int gates)
    {
        int u = kernel.Shape[0], cols = kernel.Shape[1];
        if (cols != u * gates)
            throw new NotSupportedException($"A cuDNN recurrent kernel of shape {kernel.ShapeText} is not ({u}, {u * gates}).");
        var result = new float[kernel.Values.Length];
        for (int g = 0; g < gates; g++)
        {
            for (int a = 0; a < u; a++)
            {
                for (int b = 0; b < u; b++) result[a * cols + g * u + b] = kernel.Values[b * cols + g * u + a];
            }
        }
        return new WeightArray(result, kernel.Shape);
    }

    /// <summary>cuDNN keeps separate input and recurrent biases; the plain LSTM uses their sum.</summary>
    private static WeightArray SumHalves(WeightArray bias)
    {
        int half = bias.Values.Length / 2;
        var result = new float[half];
        System.Numerics.Tensors.TensorPrimitives.Add(bias.Values.AsSpan(0, half), bias.Values.AsSpan(half), result);
        return new WeightArray(result, [half]);
    }

    /// <summary>Concatenates along the last axis (arrays of equal leading dimensions).</summary>
    private static WeightArray Concat(params WeightArray[] parts)
    {
        var lead = parts[0].Shape[..^1];
        foreach (var p in parts)
        {
            if (!p.Shape[..^1].SequenceEqual(lead))
                throw new NotSupportedException($"Keras 1 gate weights of shapes {string.Join(", ", parts.Select(x => x.ShapeText))} cannot be concatenated.");
        }
        int rows = lead.Aggregate(1, (a, b) => a * b);
        int total = parts.Sum(p => p.Shape[^1]);
        var result = new float[rows * total];
        int offset = 0;
        foreach (var p in parts)
        {
            int w = p.Shape[^1];
            for (int r = 0; r < rows; r++) Array.Copy(p.Values, r * w, result, r * total + offset, w);
            offset += w;
        }
        return new WeightArray(result, [.. lead, total]);
    }

    /// <summary>numpy's transpose: output axis i is input axis <paramref name="perm"/>[i].</summary>
    internal static WeightArray Transpose(WeightArray x, int[] perm)
    {
        int rank = x.Shape.Length;
        var outShape = perm.Select(p => x.Shape[p]).ToArray();
        var inStrides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= x.Shape[i], i--) inStrides[i] = s;
        var result = new float[x.Values.Length];
        var index = new int[rank];
        for (int o = 0; o < result.Length; o++)
        {
            int src = 0;
            for (int i = 0; i < rank; i++) src += index[i] * inStrides[perm[i]];
            result[o] = x.Values[src];
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++index[i] < outShape[i]) break;
                index[i] = 0;
            }
        }
        return new WeightArray(result, outShape);
    }
}
