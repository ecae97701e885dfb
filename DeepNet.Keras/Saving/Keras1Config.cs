using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Saving;

/// <summary>
/// Reads Keras 1 layer configs (files saved by Keras 1.x, e.g. keras_version "1.2.2") as the
/// Keras 2 configs the layer readers take, the way Keras 2 itself loaded them: its
/// keras/legacy/interfaces.py renamed the old constructor arguments (output_dim → units,
/// init → kernel_initializer, border_mode → padding, dim_ordering "tf"/"th" → data_format …) and
/// keras/layers/__init__.py kept the old class names (Convolution2D = Conv2D …). The renames
/// only touch keys Keras 2 configs never hold, so a Keras 2 config passes through unchanged.
/// Keras 1's regularizer and constraint objects ({"name": "L1L2Regularizer", "l1", "l2"},
/// {"name": "MaxNorm", "m", "axis"}) become their Keras 2 forms. Layers with no Keras 2
/// equivalent (Highway, MaxoutDense, the Sequential form of Merge, BatchNormalization mode 1/2)
/// fail naming the layer.
/// </summary>
internal static class Keras1Config
{
    /// <summary>Keras 1 class names and the Keras 2 class each is read as.</summary>
    private static readonly Dictionary<string, string> s_classes = new(StringComparer.Ordinal)
    {
        ["Convolution1D"] = "Conv1D",
        ["AtrousConvolution1D"] = "Conv1D",
        ["Convolution2D"] = "Conv2D",
        ["AtrousConvolution2D"] = "Conv2D",
        ["Convolution3D"] = "Conv3D",
        ["SeparableConvolution2D"] = "SeparableConv2D",
        ["Merge"] = "Merge", // chosen by its mode in ConvertMerge
    };

    // Renames shared by the layers with a kernel and a bias (Dense and the convolutions).
    private static readonly (string Old, string New)[] s_kernelKeys =
    [
        ("init", "kernel_initializer"), ("W_regularizer", "kernel_regularizer"), ("b_regularizer", "bias_regularizer"),
        ("W_constraint", "kernel_constraint"), ("b_constraint", "bias_constraint"), ("bias", "use_bias"),
    ];

    private static readonly (string Old, string New)[] s_recurrentKeys =
    [
        ("output_dim", "units"), ("init", "kernel_initializer"), ("inner_init", "recurrent_initializer"),
        ("inner_activation", "recurrent_activation"), ("W_regularizer", "kernel_regularizer"), ("b_regularizer", "bias_regularizer"),
        ("U_regularizer", "recurrent_regularizer"), ("dropout_W", "dropout"), ("dropout_U", "recurrent_dropout"),
    ];

    /// <summary>Whether <paramref name="className"/> is a Keras 1 name this reader turns into a Keras 2 class.</summary>
    public static bool IsKeras1Class(string className) => s_classes.ContainsKey(className);

    /// <summary>
    /// The Keras 2 class and config for a layer read from a Keras 1 file; other configs come back
    /// with only Keras 1 keys renamed (none, for a Keras 2 or 3 config). <paramref name="config"/>
    /// is changed in place.
    /// </summary>
    public static (string ClassName, JObject Config) Convert(string className, JObject config)
    {
        Rename(config, "input_dtype", "dtype");
        DataFormat(config);
        switch (className)
        {
            case "Dense":
                Rename(config, "output_dim", "units");
                Rename(config, s_kernelKeys);
                InputDimToShape(config, withLength: false);
                break;
            case "Dropout" or "SpatialDropout1D" or "SpatialDropout2D" or "SpatialDropout3D" or "GaussianDropout":
                Rename(config, "p", "rate");
                break;
            case "GaussianNoise":
                Rename(config, "sigma", "stddev");
                break;
            case "Embedding":
                Rename(config, "init", "embeddings_initializer");
                Rename(config, "W_regularizer", "embeddings_regularizer");
                Rename(config, "W_constraint", "embeddings_constraint");
                config.Remove("dropout"); // Keras 2 drops it too (a training-time option only)
                break;
            case "PReLU":
                Rename(config, "init", "alpha_initializer");
                break;
            case "MaxPooling1D" or "AveragePooling1D":
                Rename(config, "pool_length", "pool_size");
                Rename(config, "stride", "strides");
                Rename(config, "border_mode", "padding");
                break;
            case "MaxPooling2D" or "AveragePooling2D" or "MaxPooling3D" or "AveragePooling3D":
                Rename(config, "border_mode", "padding");
                break;
            case "UpSampling1D":
                Rename(config, "length", "size");
                break;
            case "ZeroPadding2D":
                ZeroPadding2DDict(config);
                break;
            case "Convolution1D" or "AtrousConvolution1D":
                Rename(config, "nb_filter", "filters");
                Rename(config, "filter_length", "kernel_size");
                Rename(config, "subsample_length", "strides");
                Rename(config, "atrous_rate", "dilation_rate");
                Rename(config, "border_mode", "padding");
                Rename(config, s_kernelKeys);
                InputDimToShape(config, withLength: true);
                break;
            case "Convolution2D" or "AtrousConvolution2D" or "Convolution3D" or "SeparableConvolution2D":
                ConvertConvolution(className, config);
                break;
            case "LSTM" or "GRU" or "SimpleRNN":
                ConvertRecurrent(className, config);
                break;
            case "BatchNormalization":
                if (config["mode"] is JToken mode && mode.Type != JTokenType.Null && mode.Value<int>() != 0)
                    throw new NotSupportedException($"BatchNormalization '{config.Value<string?>("name")}': Keras 1 mode={mode} has no Keras 2 equivalent (only mode=0, feature-wise normalization, is read).");
                config.Remove("mode");
                Rename(config, "beta_init", "beta_initializer");
                Rename(config, "gamma_init", "gamma_initializer");
                break;
            case "Merge":
                return ConvertMerge(config);
        }
        foreach (var key in new[] { "kernel_regularizer", "bias_regularizer", "recurrent_regularizer", "embeddings_regularizer", "activity_regularizer",
                     "gamma_regularizer", "beta_regularizer", "depthwise_regularizer", "pointwise_regularizer" })
            if (config[key] is JObject r) config[key] = Regularizer(r);
        foreach (var key in new[] { "kernel_constraint", "bias_constraint", "embeddings_constraint", "depthwise_constraint", "pointwise_constraint" })
            if (config[key] is JObject c) config[key] = Constraint(c);
        // Wrappers hold their inner layer in the same envelope form.
        if (config["layer"] is JObject { } inner && inner["class_name"] is JValue { Type: JTokenType.String } innerClass && inner["config"] is JObject innerConfig)
        {
            var (innerName, converted) = Convert((string)innerClass!, innerConfig);
            inner["class_name"] = innerName;
            inner["config"] = converted;
        }
        return (s_classes.TryGetValue(className, out var target) ? target : className, config);
    }

    private static void ConvertConvolution(string className, JObject config)
    {
        Rename(config, "nb_filter", "filters");
        Rename(config, "subsample", "strides");
        Rename(config, "atrous_rate", "dilation_rate");
        Rename(config, "border_mode", "padding");
        if (className == "Convolution3D")
        {
            var dims = new[] { "kernel_dim1", "kernel_dim2", "kernel_dim3" };
            if (dims.All(d => config[d] is not null))
            {
                config["kernel_size"] = new JArray(dims.Select(d => config[d]!));
                foreach (var d in dims) config.Remove(d);
            }
        }
        else if (config["nb_row"] is JToken rows && config["nb_col"] is JToken cols)
        {
            config["kernel_size"] = new JArray(rows, cols);
            config.Remove("nb_row");
            config.Remove("nb_col");
        }
        if (className == "SeparableConvolution2D")
        {
            // Keras 1's init set both kernels' initializers.
            if (config["init"] is JToken init)
            {
                config["depthwise_initializer"] = init.DeepClone();
                config["pointwise_initializer"] = init.DeepClone();
                config.Remove("init");
            }
            Rename(config, "b_regularizer", "bias_regularizer");
            Rename(config, "b_constraint", "bias_constraint");
            Rename(config, "bias", "use_bias");
        }
        else Rename(config, s_kernelKeys);
    }

    private static readonly string[] s_keras1RecurrentKeys =
        ["output_dim", "init", "inner_init", "inner_activation", "W_regularizer", "U_regularizer", "b_regularizer", "dropout_W", "dropout_U", "consume_less", "forget_bias_init"];

    private static void ConvertRecurrent(string className, JObject config)
    {
        // Keras 2 and 3 configs carry none of these keys and must keep their own defaults.
        if (!s_keras1RecurrentKeys.Any(k => config[k] is not null)) return;
        Rename(config, s_recurrentKeys);
        if (config["forget_bias_init"] is JToken forget)
        {
            // Keras 2: "one" became unit_forget_bias=True; any other value was ignored.
            config["unit_forget_bias"] = forget.Type == JTokenType.String && (string)forget! == "one";
            config.Remove("forget_bias_init");
        }
        // consume_less picked an implementation; the numbers do not depend on it. Its presence
        // (any value) marks the config as pre-Keras 3, so hard_sigmoid keeps the 0.2·x + 0.5
        // formula Keras 1 and 2 used.
        if (config["consume_less"] is JToken consume)
        {
            config["implementation"] = consume.Type == JTokenType.String && (string)consume! == "gpu" ? 2 : 1;
            config.Remove("consume_less");
        }
        config["implementation"] ??= 1;
        if (className == "GRU") config["reset_after"] ??= false; // Keras 1's GRU is the reset-before form
        InputDimToShape(config, withLength: true);
    }

    /// <summary>
    /// Keras 1's functional Merge layer as the Keras 2 merge layer of its mode. The Sequential
    /// form (branches held in the config's "layers") and callable or "cos" modes have none.
    /// </summary>
    private static (string ClassName, JObject Config) ConvertMerge(JObject config)
    {
        string? name = config.Value<string?>("name");
        if (config["layers"] is JArray { Count: > 0 })
            throw new NotSupportedException($"Merge '{name}': the Keras 1 Sequential Merge of branch models has no Keras 2 equivalent; rebuild the model with the functional API.");
        string mode = config["mode"] is JValue { Type: JTokenType.String } m ? (string)m! : "(a function)";
        var result = new JObject { ["name"] = name, ["trainable"] = config["trainable"] ?? true };
        switch (mode)
        {
            case "concat":
                result["axis"] = config["concat_axis"] ?? -1;
                return ("Concatenate", result);
            case "sum": return ("Add", result);
            case "mul": return ("Multiply", result);
            case "ave": return ("Average", result);
            case "max": return ("Maximum", result);
            case "dot":
                result["axes"] = config["dot_axes"] ?? -1;
                return ("Dot", result);
            default:
                throw new NotSupportedException($"Merge '{name}': mode {mode} is not supported (concat, sum, mul, ave, max and dot are).");
        }
    }

    /// <summary>Keras 1's dim_ordering as data_format ("default" is the Keras default, channels_last).</summary>
    private static void DataFormat(JObject config)
    {
        if (config["dim_ordering"] is not JToken ordering) return;
        config.Remove("dim_ordering");
        config["data_format"] = ordering.Type == JTokenType.String ? (string)ordering! switch
        {
            "tf" => "channels_last",
            "th" => "channels_first",
            "default" => null,
            var other => throw new NotSupportedException($"Layer '{config.Value<string?>("name")}': unknown Keras 1 dim_ordering \"{other}\" (tf, th or default)."),
        } : null;
    }

    /// <summary>input_dim (and input_length) of a first layer as the batch_input_shape Keras 1 also wrote; dropped when that is present.</summary>
    private static void InputDimToShape(JObject config, bool withLength)
    {
        var dim = config["input_dim"];
        var length = withLength ? config["input_length"] : null;
        config.Remove("input_dim");
        if (withLength) config.Remove("input_length");
        if (dim is null || dim.Type == JTokenType.Null || config["batch_input_shape"] is JArray) return;
        config["batch_input_shape"] = withLength ? new JArray(JValue.CreateNull(), length ?? JValue.CreateNull(), dim) : new JArray(JValue.CreateNull(), dim);
    }

    /// <summary>Keras 1's ZeroPadding2D also took {"top_pad", "bottom_pad", "left_pad", "right_pad"}.</summary>
    private static void ZeroPadding2DDict(JObject config)
    {
        if (config["padding"] is not JObject pads) return;
        int Pad(string key) => pads[key]?.Value<int>() ?? 0;
        config["padding"] = new JArray(new JArray(Pad("top_pad"), Pad("bottom_pad")), new JArray(Pad("left_pad"), Pad("right_pad")));
    }

    private static JToken Regularizer(JObject keras1)
    {
        if (keras1["class_name"] is not null) return keras1; // already Keras 2
        string? name = keras1.Value<string?>("name");
        if (name is "L1L2Regularizer" or "WeightRegularizer" or "ActivityRegularizer")
            return new JObject { ["class_name"] = "L1L2", ["config"] = new JObject { ["l1"] = keras1["l1"] ?? 0.0, ["l2"] = keras1["l2"] ?? 0.0 } };
        throw new NotSupportedException($"Keras 1 regularizer {name ?? keras1.ToString(Newtonsoft.Json.Formatting.None)} is not supported (L1L2Regularizer, WeightRegularizer and ActivityRegularizer are).");
    }

    private static JToken Constraint(JObject keras1)
    {
        if (keras1["class_name"] is not null) return keras1;
        string? name = keras1.Value<string?>("name");
        return name switch
        {
            "MaxNorm" => new JObject { ["class_name"] = "MaxNorm", ["config"] = new JObject { ["max_value"] = keras1["m"] ?? 2, ["axis"] = keras1["axis"] ?? 0 } },
            "NonNeg" => new JObject { ["class_name"] = "NonNeg", ["config"] = new JObject() },
            "UnitNorm" => new JObject { ["class_name"] = "UnitNorm", ["config"] = new JObject { ["axis"] = keras1["axis"] ?? 0 } },
            _ => throw new NotSupportedException($"Keras 1 constraint {name ?? keras1.ToString(Newtonsoft.Json.Formatting.None)} is not supported (MaxNorm, NonNeg and UnitNorm are)."),
        };
    }

    private static void Rename(JObject config, (string Old, string New)[] pairs)
    {
        foreach (var (old, name) in pairs) Rename(config, old, name);
    }

    private static void Rename(JObject config, string old, string name)
    {
        if (config[old] is not JToken value) return;
        config.Remove(old);
        // A config holding both is not a Keras 1 config; its own (newer) key wins.
        config[name] ??= value;
    }
}
