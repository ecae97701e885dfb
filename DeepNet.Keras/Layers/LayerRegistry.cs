using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Keras <c>class_name</c> → factory reading that layer's config (Keras's object registry for
/// layers). Built-in layers are listed explicitly; <see cref="Register"/> adds custom ones.
/// </summary>
public static class LayerRegistry
{
    private static readonly Dictionary<string, Func<JObject, Layer>> s_factories = new(StringComparer.Ordinal)
    {
        ["InputLayer"] = InputLayer.FromConfig,
        ["Dense"] = Dense.FromConfig,
        ["Activation"] = Activation.FromConfig,
        ["Dropout"] = Dropout.FromConfig,
        ["Flatten"] = Flatten.FromConfig,
        ["Reshape"] = Reshape.FromConfig,
        ["Permute"] = Permute.FromConfig,
        ["RepeatVector"] = RepeatVector.FromConfig,
        ["Masking"] = Masking.FromConfig,
        ["ActivityRegularization"] = ActivityRegularization.FromConfig,
        ["Identity"] = Identity.FromConfig,
        ["Add"] = Add.FromConfig,
        ["Subtract"] = Subtract.FromConfig,
        ["Multiply"] = Multiply.FromConfig,
        ["Average"] = Average.FromConfig,
        ["Maximum"] = Maximum.FromConfig,
        ["Minimum"] = Minimum.FromConfig,
        ["Concatenate"] = Concatenate.FromConfig,
        ["Dot"] = Dot.FromConfig,
        ["ReLU"] = ReLU.FromConfig,
        ["LeakyReLU"] = LeakyReLU.FromConfig,
        ["PReLU"] = PReLU.FromConfig,
        ["ELU"] = ELU.FromConfig,
        ["Softmax"] = Softmax.FromConfig,
        ["GaussianNoise"] = GaussianNoise.FromConfig,
        ["GaussianDropout"] = GaussianDropout.FromConfig,
        ["AlphaDropout"] = AlphaDropout.FromConfig,
        ["Sequential"] = Sequential.FromConfig,
        ["Functional"] = Model.FromConfig,
        ["Model"] = Model.FromConfig,
        // convolution, pooling, normalization
        ["Conv1D"] = Conv1D.FromConfig,
        ["Conv2D"] = Conv2D.FromConfig,
        ["MaxPooling1D"] = MaxPooling1D.FromConfig,
        ["MaxPooling2D"] = MaxPooling2D.FromConfig,
        ["AveragePooling1D"] = AveragePooling1D.FromConfig,
        ["AveragePooling2D"] = AveragePooling2D.FromConfig,
        ["GlobalAveragePooling1D"] = GlobalAveragePooling1D.FromConfig,
        ["GlobalAveragePooling2D"] = GlobalAveragePooling2D.FromConfig,
        ["GlobalMaxPooling1D"] = GlobalMaxPooling1D.FromConfig,
        ["GlobalMaxPooling2D"] = GlobalMaxPooling2D.FromConfig,
        ["BatchNormalization"] = BatchNormalization.FromConfig,
        ["Conv2DTranspose"] = Conv2DTranspose.FromConfig,
        ["DepthwiseConv2D"] = DepthwiseConv2D.FromConfig,
        ["SeparableConv2D"] = SeparableConv2D.FromConfig,
        ["ZeroPadding1D"] = ZeroPadding1D.FromConfig,
        ["ZeroPadding2D"] = ZeroPadding2D.FromConfig,
        ["Cropping1D"] = Cropping1D.FromConfig,
        ["Cropping2D"] = Cropping2D.FromConfig,
        ["UpSampling1D"] = UpSampling1D.FromConfig,
        ["UpSampling2D"] = UpSampling2D.FromConfig,
        ["SpatialDropout1D"] = SpatialDropout1D.FromConfig,
        ["SpatialDropout2D"] = SpatialDropout2D.FromConfig,
        ["LayerNormalization"] = LayerNormalization.FromConfig,
        ["UnitNormalization"] = UnitNormalization.FromConfig,
        ["GroupNormalization"] = GroupNormalization.FromConfig,
        // embedding and recurrent
        ["Embedding"] = Embedding.FromConfig,
        ["SimpleRNNCell"] = SimpleRNNCell.FromConfig,
        ["LSTMCell"] = LSTMCell.FromConfig,
        ["GRUCell"] = GRUCell.FromConfig,
        ["RNN"] = RNN.FromConfig,
        ["SimpleRNN"] = SimpleRNN.FromConfig,
        ["LSTM"] = LSTM.FromConfig,
        ["GRU"] = GRU.FromConfig,
        ["Bidirectional"] = Bidirectional.FromConfig,
        ["TimeDistributed"] = TimeDistributed.FromConfig,
        // 3-D convolution, pooling and reshaping; 1-D transposed and separable convolutions
        ["Conv3D"] = Conv3D.FromConfig,
        ["MaxPooling3D"] = MaxPooling3D.FromConfig,
        ["AveragePooling3D"] = AveragePooling3D.FromConfig,
        ["GlobalMaxPooling3D"] = GlobalMaxPooling3D.FromConfig,
        ["GlobalAveragePooling3D"] = GlobalAveragePooling3D.FromConfig,
        ["ZeroPadding3D"] = ZeroPadding3D.FromConfig,
        ["Cropping3D"] = Cropping3D.FromConfig,
        ["UpSampling3D"] = UpSampling3D.FromConfig,
        ["Conv1DTranspose"] = Conv1DTranspose.FromConfig,
        ["SeparableConv1D"] = SeparableConv1D.FromConfig,
        // attention and positional (keras_hub) layers
        ["MultiHeadAttention"] = MultiHeadAttention.FromConfig,
        ["Attention"] = Attention.FromConfig,
        ["AdditiveAttention"] = AdditiveAttention.FromConfig,
        ["ReversibleEmbedding"] = ReversibleEmbedding.FromConfig,
        ["PositionEmbedding"] = PositionEmbedding.FromConfig,
        ["TokenAndPositionEmbedding"] = TokenAndPositionEmbedding.FromConfig,
        ["SinePositionEncoding"] = SinePositionEncoding.FromConfig,
        ["Lambda"] = Lambda.FromConfig,
        // tf.keras 2's TensorFlow functions on Keras tensors
        ["TFOpLambda"] = TFOpLambda.FromConfig,
        ["SlicingOpLambda"] = TFOpLambda.SlicingFromConfig,
    };

    private static readonly object s_lock = new();

    /// <summary>Every class name the registry knows.</summary>
    public static IReadOnlyCollection<string> ClassNames
    {
        get { lock (s_lock) return s_factories.Keys.ToArray(); }
    }

    /// <summary>Adds (or replaces) the factory for <paramref name="className"/>, e.g. a custom layer.</summary>
    public static void Register(string className, Func<JObject, Layer> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(factory);
        lock (s_lock) s_factories[className] = factory;
    }

    public static bool IsRegistered(string className)
    {
        lock (s_lock) return s_factories.ContainsKey(className);
    }

    /// <summary>Makes the layer <paramref name="className"/> from its config.</summary>
    public static Layer Create(string className, JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Func<JObject, Layer>? factory;
        lock (s_lock) s_factories.TryGetValue(className, out factory);
        if (factory is null)
            throw new ArgumentException($"Unknown layer: '{className}'. Please ensure you are using a keras.utils.custom_object_scope and that this object is included in the scope (here: LayerRegistry.Register(\"{className}\", factory)).", nameof(className));
        return factory(config);
    }

    /// <summary>
    /// Makes a layer from an envelope in either form: legacy <c>{"class_name", "config"}</c> or
    /// Keras 3 <c>{"module", "class_name", "config", "registered_name", "build_config"}</c>
    /// (the layer is built from build_config when present).
    /// </summary>
    public static Layer Deserialize(JObject envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        string className = envelope.Value<string>("class_name") ?? throw new ArgumentException("A serialized layer needs class_name.");
        var config = envelope["config"] as JObject ?? new JObject();
        var layer = Create(className, config);
        Saving.BuildConfig.Apply(layer, envelope["build_config"]);
        return layer;
    }

    /// <summary>The Keras 3 envelope: module, class_name, config, registered_name, and build_config once built.</summary>
    public static JObject SerializeKeras3(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        bool builtIn = s_factories.ContainsKey(layer.ClassName);
        var envelope = new JObject
        {
            ["module"] = layer is Sequential ? "keras" : layer.ClassName == "Functional" ? "keras.src.models.functional" : builtIn ? "keras.layers" : null,
            ["class_name"] = layer.ClassName,
            ["config"] = layer.GetConfig(),
            ["registered_name"] = layer.ClassName == "Functional" ? "Functional" : builtIn ? null : layer.ClassName,
        };
        if (Saving.BuildConfig.Get(layer) is JObject buildConfig) envelope["build_config"] = buildConfig;
        return envelope;
    }
}
