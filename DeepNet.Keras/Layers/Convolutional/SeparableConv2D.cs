using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Depthwise-separable 2-D convolution (Keras <c>keras.layers.SeparableConv2D</c>): a depthwise
/// convolution (depthwise_kernel (kh, kw, in, depth_multiplier)) then a 1×1 convolution
/// (pointwise_kernel (1, 1, in·depth_multiplier, filters)), bias (filters,), activation. Keras
/// defaults: strides=(1, 1), padding="valid", data_format="channels_last", dilation_rate=(1, 1),
/// depth_multiplier=1, activation=None, use_bias=True, depthwise_/pointwise_initializer="glorot_uniform",
/// bias_initializer="zeros".
/// </summary>
public sealed class SeparableConv2D : Layer
{
    private Variable? _depthwise;
    private Variable? _pointwise;
    private Variable? _bias;

    public SeparableConv2D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", string? dataFormat = null,
        int[]? dilationRate = null, int depthMultiplier = 1, string? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? depthwiseConstraint = null, Constraint? pointwiseConstraint = null,
        Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        if (depthMultiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received depth_multiplier={depthMultiplier}.");
        Filters = filters;
        KernelSize = ConvArgs.Tuple(kernelSize, 2, "kernel_size", [1]);
        Strides = ConvArgs.Tuple(strides, 2, "strides", [1]);
        PaddingMode = ConvArgs.ParsePadding(padding, allowCausal: false);
        DataFormat = ConvArgs.DataFormat(dataFormat);
        DilationRate = ConvArgs.Tuple(dilationRate, 2, "dilation_rate", [1]);
        DepthMultiplier = depthMultiplier;
        Activation = Activations.Get(activation);
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? KerasObjects.Initializer("glorot_uniform");
        PointwiseInitializer = pointwiseInitializer ?? KerasObjects.Initializer("glorot_uniform");
        BiasInitializer = biasInitializer ?? KerasObjects.Initializer("zeros");
        DepthwiseRegularizer = depthwiseRegularizer;
        PointwiseRegularizer = pointwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        DepthwiseConstraint = depthwiseConstraint;
        PointwiseConstraint = pointwiseConstraint;
        BiasConstraint = biasConstraint;
        InputSpec = new InputSpec(ndim: 4);
    }

    public override string ClassName => "SeparableConv2D";

    public int Filters { get; }

    public int[] KernelSize { get; }

    public int[] Strides { get; }

    public Padding PaddingMode { get; }

    public string DataFormat { get; }

    public int[] DilationRate { get; }

    public int DepthMultiplier { get; }

    public ActivationFunction Activation { get; }

    public bool UseBias { get; }

    public Initializer DepthwiseInitializer { get; }

    public Initializer PointwiseInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? DepthwiseRegularizer { get; }

    public Regularizer? PointwiseRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? DepthwiseConstraint { get; }

    public Constraint? PointwiseConstraint { get; }

    public Constraint? BiasConstraint { get; }

    private bool ChannelsFirst => DataFormat == "channels_first";

    public override void Build(KerasShape inputShape)
    {
        int axis = ChannelsFirst ? 1 : 3;
        int channels = inputShape[axis] ?? throw new ArgumentException($"Layer '{Name}': the channel dimension of the input must be known, received input shape {inputShape}.");
        _depthwise = AddWeight("depthwise_kernel", new Shape(KernelSize[0], KernelSize[1], channels, DepthMultiplier), DepthwiseInitializer, DepthwiseRegularizer, DepthwiseConstraint);
        _pointwise = AddWeight("pointwise_kernel", new Shape(1, 1, channels * DepthMultiplier, Filters), PointwiseInitializer, PointwiseRegularizer, PointwiseConstraint);
        if (UseBias) _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, BiasRegularizer, BiasConstraint);
        InputSpec = new InputSpec(ndim: 4, axes: new Dictionary<int, int> { [axis] = channels });
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var x = ChannelsFirst ? ConvArgs.ToChannelsLast(inputs) : inputs;
        var depthwise = Ops.DepthwiseConv2D(x, _depthwise!.Value, (Strides[0], Strides[1]), PaddingMode, (DilationRate[0], DilationRate[1]));
        var y = Ops.Conv2D(depthwise, _pointwise!.Value);
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
        dims[ChannelsFirst ? 1 : 3] = Filters;
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = Filters;
        config["kernel_size"] = LayerConfig.ToJson(KernelSize);
        config["strides"] = LayerConfig.ToJson(Strides);
        config["padding"] = ConvArgs.PaddingName(PaddingMode);
        config["data_format"] = DataFormat;
        config["dilation_rate"] = LayerConfig.ToJson(DilationRate);
        config["depth_multiplier"] = DepthMultiplier;
        config["activation"] = Activations.Serialize(Activation);
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = KerasObjects.Serialize(DepthwiseInitializer);
        config["pointwise_initializer"] = KerasObjects.Serialize(PointwiseInitializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        config["depthwise_regularizer"] = KerasObjects.Serialize(DepthwiseRegularizer);
        config["pointwise_regularizer"] = KerasObjects.Serialize(PointwiseRegularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        config["depthwise_constraint"] = KerasObjects.Serialize(DepthwiseConstraint);
        config["pointwise_constraint"] = KerasObjects.Serialize(PointwiseConstraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        return config;
    }

    public static SeparableConv2D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new SeparableConv2D(
            config.Value<int>("filters"),
            ConvArgs.IntsOrInt(config["kernel_size"]) ?? throw new ArgumentException("A SeparableConv2D config needs kernel_size."),
            ConvArgs.IntsOrInt(config["strides"]),
            LayerConfig.Get(config, "padding", "valid"),
            config.Value<string?>("data_format"),
            ConvArgs.IntsOrInt(config["dilation_rate"]),
            LayerConfig.Get(config, "depth_multiplier", 1),
            Activations.Get(config["activation"]).Name,
            LayerConfig.Get(config, "use_bias", true),
            BaseConv.OptionalInitializer(config["depthwise_initializer"]),
            BaseConv.OptionalInitializer(config["pointwise_initializer"]),
            BaseConv.OptionalInitializer(config["bias_initializer"]),
            KerasObjects.Regularizer(config["depthwise_regularizer"]),
            KerasObjects.Regularizer(config["pointwise_regularizer"]),
            KerasObjects.Regularizer(config["bias_regularizer"]),
            KerasObjects.Regularizer(config["activity_regularizer"]),
            KerasObjects.Constraint(config["depthwise_constraint"]),
            KerasObjects.Constraint(config["pointwise_constraint"]),
            KerasObjects.Constraint(config["bias_constraint"]),
            LayerConfig.Name(config),
            LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
