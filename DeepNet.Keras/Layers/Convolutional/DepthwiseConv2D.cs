using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Depthwise 2-D convolution (Keras <c>keras.layers.DepthwiseConv2D</c>): each input channel is
/// convolved with its own depth_multiplier filters; output channel c·depth_multiplier + m.
/// Weights: kernel (kh, kw, in, depth_multiplier), bias (in·depth_multiplier,). Keras defaults:
/// strides=(1, 1), padding="valid", depth_multiplier=1, data_format="channels_last",
/// dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
/// bias_initializer="zeros".
/// </summary>
public sealed class DepthwiseConv2D : Layer
{
    private Variable? _kernel;
    private Variable? _bias;

    public DepthwiseConv2D(int[] kernelSize, int[]? strides = null, string padding = "valid", int depthMultiplier = 1, string? dataFormat = null,
        int[]? dilationRate = null, string? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? depthwiseConstraint = null, Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        if (depthMultiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received depth_multiplier={depthMultiplier}.");
        KernelSize = ConvArgs.Tuple(kernelSize, 2, "kernel_size", [1]);
        Strides = ConvArgs.Tuple(strides, 2, "strides", [1]);
        PaddingMode = ConvArgs.ParsePadding(padding, allowCausal: false);
        DepthMultiplier = depthMultiplier;
        DataFormat = ConvArgs.DataFormat(dataFormat);
        DilationRate = ConvArgs.Tuple(dilationRate, 2, "dilation_rate", [1]);
        if (Strides.Any(s => s > 1) && DilationRate.Any(d => d > 1))
            throw new ArgumentException($"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=({string.Join(", ", Strides)}) and dilation_rate=({string.Join(", ", DilationRate)})", nameof(strides));
        Activation = Activations.Get(activation);
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? KerasObjects.Initializer("glorot_uniform");
        BiasInitializer = biasInitializer ?? KerasObjects.Initializer("zeros");
        DepthwiseRegularizer = depthwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        DepthwiseConstraint = depthwiseConstraint;
        BiasConstraint = biasConstraint;
        InputSpec = new InputSpec(ndim: 4);
    }

    public override string ClassName => "DepthwiseConv2D";

    public int[] KernelSize { get; }

    public int[] Strides { get; }

    public Padding PaddingMode { get; }

    public int DepthMultiplier { get; }

    public string DataFormat { get; }

    public int[] DilationRate { get; }

    public ActivationFunction Activation { get; }

    public bool UseBias { get; }

    public Initializer DepthwiseInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? DepthwiseRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? DepthwiseConstraint { get; }

    public Constraint? BiasConstraint { get; }

    public Variable? Kernel => _kernel;

    public Variable? Bias => _bias;

    private bool ChannelsFirst => DataFormat == "channels_first";

    public override void Build(KerasShape inputShape)
    {
        int axis = ChannelsFirst ? 1 : 3;
        int channels = inputShape[axis] ?? throw new ArgumentException($"Layer '{Name}': the channel dimension of the input must be known, received input shape {inputShape}.");
        _kernel = AddWeight("kernel", new Shape(KernelSize[0], KernelSize[1], channels, DepthMultiplier), DepthwiseInitializer, DepthwiseRegularizer, DepthwiseConstraint);
        if (UseBias) _bias = AddWeight("bias", new Shape(channels * DepthMultiplier), BiasInitializer, BiasRegularizer, BiasConstraint);
        InputSpec = new InputSpec(ndim: 4, axes: new Dictionary<int, int> { [axis] = channels });
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var x = ChannelsFirst ? ConvArgs.ToChannelsLast(inputs) : inputs;
        var y = Ops.DepthwiseConv2D(x, _kernel!.Value, (Strides[0], Strides[1]), PaddingMode, (DilationRate[0], DilationRate[1]));
        if (_bias is not null) y = Ops.Add(y, _bias.Value);
        y = Activation.Call(y);
        if (ChannelsFirst) y = ConvArgs.ToChannelsFirst(y);
        if (ActivityRegularizer is not null) AddLoss(ActivityRegularizer.Call(y));
        return y;
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        int first = ChannelsFirst ? 2 : 1;
        for (int i = 0; i < 2; i++)
            dims[first + i] = ConvArgs.OutputLength(dims[first + i], KernelSize[i], Strides[i], DilationRate[i], PaddingMode);
        int axis = ChannelsFirst ? 1 : 3;
        dims[axis] *= DepthMultiplier;
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["kernel_size"] = LayerConfig.ToJson(KernelSize);
        config["strides"] = LayerConfig.ToJson(Strides);
        config["padding"] = ConvArgs.PaddingName(PaddingMode);
        config["depth_multiplier"] = DepthMultiplier;
        config["data_format"] = DataFormat;
        config["dilation_rate"] = LayerConfig.ToJson(DilationRate);
        config["activation"] = Activations.Serialize(Activation);
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = KerasObjects.Serialize(DepthwiseInitializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        config["depthwise_regularizer"] = KerasObjects.Serialize(DepthwiseRegularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        config["depthwise_constraint"] = KerasObjects.Serialize(DepthwiseConstraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        return config;
    }

    public static DepthwiseConv2D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new DepthwiseConv2D(
            ConvArgs.IntsOrInt(config["kernel_size"]) ?? throw new ArgumentException("A DepthwiseConv2D config needs kernel_size."),
            ConvArgs.IntsOrInt(config["strides"]),
            LayerConfig.Get(config, "padding", "valid"),
            LayerConfig.Get(config, "depth_multiplier", 1),
            config.Value<string?>("data_format"),
            ConvArgs.IntsOrInt(config["dilation_rate"]),
            Activations.Get(config["activation"]).Name,
            LayerConfig.Get(config, "use_bias", true),
            BaseConv.OptionalInitializer(config["depthwise_initializer"]),
            BaseConv.OptionalInitializer(config["bias_initializer"]),
            KerasObjects.Regularizer(config["depthwise_regularizer"]),
            KerasObjects.Regularizer(config["bias_regularizer"]),
            KerasObjects.Regularizer(config["activity_regularizer"]),
            KerasObjects.Constraint(config["depthwise_constraint"]),
            KerasObjects.Constraint(config["bias_constraint"]),
            LayerConfig.Name(config),
            LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
