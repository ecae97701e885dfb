using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Transposed 2-D convolution (Keras <c>keras.layers.Conv2DTranspose</c>), the adjoint of Conv2D.
/// Weights: kernel (kh, kw, filters, in) — output channels before input channels, as Keras stores
/// it — and bias (filters,). Output size per keras-compat §4.4 (deconv_output_length). Keras
/// defaults as Conv2D without groups, plus output_padding=None.
/// </summary>
public sealed class Conv2DTranspose : Layer
{
    private Variable? _kernel;
    private Variable? _bias;

    public Conv2DTranspose(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", int[]? outputPadding = null,
        string? dataFormat = null, int[]? dilationRate = null, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        Filters = filters;
        KernelSize = ConvArgs.Tuple(kernelSize, 2, "kernel_size", [1]);
        Strides = ConvArgs.Tuple(strides, 2, "strides", [1]);
        PaddingMode = ConvArgs.ParsePadding(padding, allowCausal: false);
        OutputPadding = outputPadding is null ? null : ConvArgs.Tuple(outputPadding, 2, "output_padding", [0], allowZero: true);
        if (OutputPadding is not null && (OutputPadding[0] >= Strides[0] || OutputPadding[1] >= Strides[1]))
            throw new ArgumentException($"Strides must be greater than output padding. Received strides=({string.Join(", ", Strides)}), output_padding=({string.Join(", ", OutputPadding)}).", nameof(outputPadding));
        DataFormat = ConvArgs.DataFormat(dataFormat);
        DilationRate = ConvArgs.Tuple(dilationRate, 2, "dilation_rate", [1]);
        Activation = Activations.Get(activation);
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? KerasObjects.Initializer("glorot_uniform");
        BiasInitializer = biasInitializer ?? KerasObjects.Initializer("zeros");
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
        InputSpec = new InputSpec(ndim: 4);
    }

    public override string ClassName => "Conv2DTranspose";

    public int Filters { get; }

    public int[] KernelSize { get; }

    public int[] Strides { get; }

    public Padding PaddingMode { get; }

    public int[]? OutputPadding { get; }

    public string DataFormat { get; }

    public int[] DilationRate { get; }

    public ActivationFunction Activation { get; }

    public bool UseBias { get; }

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? KernelConstraint { get; }

    public Constraint? BiasConstraint { get; }

    public Variable? Kernel => _kernel;

    public Variable? Bias => _bias;

    private bool ChannelsFirst => DataFormat == "channels_first";

    public override void Build(KerasShape inputShape)
    {
        int axis = ChannelsFirst ? 1 : 3;
        int channels = inputShape[axis] ?? throw new ArgumentException($"Layer '{Name}': the channel dimension of the input must be known, received input shape {inputShape}.");
        _kernel = AddWeight("kernel", new Shape(KernelSize[0], KernelSize[1], Filters, channels), KernelInitializer, KernelRegularizer, KernelConstraint);
        if (UseBias) _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, BiasRegularizer, BiasConstraint);
        InputSpec = new InputSpec(ndim: 4, axes: new Dictionary<int, int> { [axis] = channels });
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var x = ChannelsFirst ? ConvArgs.ToChannelsLast(inputs) : inputs;
        (int, int)? op = OutputPadding is null ? null : (OutputPadding[0], OutputPadding[1]);
        var y = Ops.Conv2DTranspose(x, _kernel!.Value, (Strides[0], Strides[1]), PaddingMode, op, (DilationRate[0], DilationRate[1]));
        if (_bias is not null) y = Ops.Add(y, _bias.Value);
        y = Activation.Call(y);
        if (ChannelsFirst) y = ConvArgs.ToChannelsFirst(y);
        if (ActivityRegularizer is not null) AddLoss(ActivityRegularizer.Call(y));
        return y;
    }

    /// <summary>Keras's deconv_output_length.</summary>
    private int? OutputLength(int? length, int i)
    {
        if (length is not int l) return null;
        int effective = (KernelSize[i] - 1) * DilationRate[i] + 1;
        if (OutputPadding is not null)
        {
            int pad = PaddingMode == Padding.Same ? effective / 2 : 0;
            return (l - 1) * Strides[i] + effective - 2 * pad + OutputPadding[i];
        }
        return PaddingMode == Padding.Same ? l * Strides[i] : l * Strides[i] + Math.Max(effective - Strides[i], 0);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        int first = ChannelsFirst ? 2 : 1;
        for (int i = 0; i < 2; i++) dims[first + i] = OutputLength(dims[first + i], i);
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
        config["activation"] = Activations.Serialize(Activation);
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = KerasObjects.Serialize(KernelInitializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        config["kernel_regularizer"] = KerasObjects.Serialize(KernelRegularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        config["kernel_constraint"] = KerasObjects.Serialize(KernelConstraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        config["output_padding"] = OutputPadding is null ? null : LayerConfig.ToJson(OutputPadding);
        return config;
    }

    public static Conv2DTranspose FromConfig(JObject config)
    {
        var a = BaseConv.Args.Read(config);
        return new Conv2DTranspose(a.Filters, a.KernelSize, a.Strides, a.Padding, ConvArgs.IntsOrInt(config["output_padding"]), a.DataFormat, a.DilationRate,
            a.Activation, a.UseBias, a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.ActivityRegularizer,
            a.KernelConstraint, a.BiasConstraint, a.Name, a.Trainable)
        { InputShape = LayerConfig.InputShape(config) };
    }
}
