using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// What every convolution layer shares (plain, transposed, depthwise, separable): the window
/// geometry (kernel_size, strides, padding, data_format, dilation_rate), the optional bias and the
/// activation, channels_first inputs transposed in and out, the output shape, and the config keys
/// in Keras's order. A subclass adds its kernels in Build and the convolution in Convolve.
/// </summary>
public abstract class ConvLayerBase : Layer
{
    private Variable? _bias;

    private protected ConvLayerBase(int rank, ConvCommonArgs args, bool allowCausal = false)
        : base(args.Name, args.Trainable)
    {
        ArgumentNullException.ThrowIfNull(args.KernelSize, "kernelSize");
        Rank = rank;
        KernelSize = ConvArgs.Tuple(args.KernelSize, rank, "kernel_size", [1]);
        Strides = ConvArgs.Tuple(args.Strides, rank, "strides", [1]);
        PaddingMode = ConvArgs.ParsePadding(args.Padding, allowCausal);
        DataFormat = ConvArgs.DataFormat(args.DataFormat);
        DilationRate = ConvArgs.Tuple(args.DilationRate, rank, "dilation_rate", [1]);
        Activation = Activations.Get(args.Activation);
        UseBias = args.UseBias;
        BiasInitializer = args.BiasInitializer ?? KerasObjects.Initializer("zeros");
        BiasRegularizer = args.BiasRegularizer;
        ActivityRegularizer = args.ActivityRegularizer;
        BiasConstraint = args.BiasConstraint;
        InputSpec = new InputSpec(minNdim: rank + 2);
    }

    /// <summary>Number of spatial dimensions.</summary>
    public int Rank { get; }

    public int[] KernelSize { get; }

    public int[] Strides { get; }

    public Padding PaddingMode { get; }

    public string DataFormat { get; }

    public int[] DilationRate { get; }

    public ActivationFunction Activation { get; }

    public bool UseBias { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? BiasConstraint { get; }

    /// <summary>The bias; null before build or without use_bias.</summary>
    public Variable? Bias => _bias;

    protected bool ChannelsFirst => DataFormat == "channels_first";

    private int ChannelAxis(int rank) => ChannelsFirst ? 1 : rank - 1;

    /// <summary>Keras refuses strides above 1 together with a dilation above 1 for these layers.</summary>
    private protected void RejectStridedDilation()
    {
        if (Strides.Any(s => s > 1) && DilationRate.Any(d => d > 1))
            throw new ArgumentException($"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=({string.Join(", ", Strides)}) and dilation_rate=({string.Join(", ", DilationRate)})", "strides");
    }

    /// <summary>Checks the input rank, pins the channel count in the input spec and returns it.</summary>
    protected int InputChannels(KerasShape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Rank != Rank + 2)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"expected an input of rank {Rank + 2} (batch, {Rank} spatial dims, channels), received input shape {inputShape}.");
        int channels = inputShape[ChannelAxis(inputShape.Rank)]
            ?? throw new ArgumentException($"Layer '{Name}': the channel dimension of the input must be known, received input shape {inputShape}.");
        InputSpec = new InputSpec(minNdim: Rank + 2, axes: new Dictionary<int, int> { [ChannelsFirst ? 1 : -1] = channels });
        return channels;
    }

    private protected Variable AddKernel(string name, Shape shape, KernelArgs kernel) =>
        AddWeight(name, shape, kernel.Initializer, kernel.Regularizer, kernel.Constraint);

    /// <summary>Adds the bias of <paramref name="size"/> values when use_bias; after the kernels, as Keras orders weights.</summary>
    protected void AddBias(int size)
    {
        if (UseBias) _bias = AddWeight("bias", new Shape(size), BiasInitializer, BiasRegularizer, BiasConstraint);
    }

    /// <summary>The convolution of a channels_last input, before bias and activation.</summary>
    protected abstract Tensor Convolve(Tensor x);

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var x = ChannelsFirst ? ConvArgs.ToChannelsLast(inputs) : inputs;
        var y = Convolve(x);
        if (_bias is not null) y = Ops.Add(y, _bias.Value);
        y = Activation.Call(y);
        if (ChannelsFirst) y = ConvArgs.ToChannelsFirst(y);
        if (ActivityRegularizer is not null) AddLoss(ActivityRegularizer.Call(y));
        return y;
    }

    /// <summary>Output length of spatial axis <paramref name="axis"/> (unknown stays unknown).</summary>
    protected virtual int? OutputLength(int? length, int axis) =>
        ConvArgs.OutputLength(length, KernelSize[axis], Strides[axis], DilationRate[axis], PaddingMode);

    /// <summary>Output channels for the given input channels.</summary>
    protected abstract int? OutputChannels(int? inputChannels);

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var dims = inputShape.ToArray();
        int first = ChannelsFirst ? 2 : 1;
        for (int i = 0; i < Rank; i++) dims[first + i] = OutputLength(dims[first + i], i);
        int axis = ChannelAxis(dims.Length);
        dims[axis] = OutputChannels(dims[axis]);
        return new KerasShape(dims);
    }

    /// <summary>
    /// The config in Keras's key order: [filters], kernel_size, strides, padding, [afterPadding],
    /// data_format, dilation_rate, [afterDilation], activation, use_bias, then the initializers,
    /// the regularizers (with activity_regularizer) and the constraints of each kernel and the bias.
    /// </summary>
    private protected JObject ConvConfig(int? filters, IReadOnlyList<KernelArgs> kernels,
        (string Key, JToken Value)? afterPadding = null, (string Key, JToken Value)? afterDilation = null)
    {
        var config = base.GetConfig();
        if (filters is int f) config["filters"] = f;
        config["kernel_size"] = LayerConfig.ToJson(KernelSize);
        config["strides"] = LayerConfig.ToJson(Strides);
        config["padding"] = ConvArgs.PaddingName(PaddingMode);
        if (afterPadding is { } p) config[p.Key] = p.Value;
        config["data_format"] = DataFormat;
        config["dilation_rate"] = LayerConfig.ToJson(DilationRate);
        if (afterDilation is { } d) config[d.Key] = d.Value;
        config["activation"] = Activations.Serialize(Activation);
        config["use_bias"] = UseBias;
        foreach (var k in kernels) config[k.Prefix + "_initializer"] = KerasObjects.Serialize(k.Initializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        foreach (var k in kernels) config[k.Prefix + "_regularizer"] = KerasObjects.Serialize(k.Regularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        foreach (var k in kernels) config[k.Prefix + "_constraint"] = KerasObjects.Serialize(k.Constraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        return config;
    }
}
