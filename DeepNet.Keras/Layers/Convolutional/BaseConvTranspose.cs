using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Shared part of Conv1DTranspose and Conv2DTranspose (Keras <c>BaseConvTranspose</c>), the adjoint
/// of the convolution. Weights: kernel (k..., filters, in) — output channels before input
/// channels, as Keras stores it — and bias (filters,). Output lengths per keras-compat §4.4
/// (deconv_output_length).
/// </summary>
public abstract class BaseConvTranspose : ConvLayerBase
{
    private readonly KernelArgs _kernelArgs;
    private Variable? _kernel;

    protected BaseConvTranspose(int rank, int filters, int[] kernelSize, int[]? strides, string padding, int[]? outputPadding,
        string? dataFormat, int[]? dilationRate, string? activation, bool useBias,
        Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer,
        Constraint? kernelConstraint, Constraint? biasConstraint, string? name, bool trainable)
        : this(rank, filters, outputPadding, KernelArgs.Of("kernel", kernelInitializer, kernelRegularizer, kernelConstraint),
            new ConvCommonArgs(kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, biasInitializer,
                biasRegularizer, activityRegularizer, biasConstraint, name, trainable))
    {
    }

    /// <summary>From a Keras config.</summary>
    private protected BaseConvTranspose(int rank, JObject config)
        : this(rank, config.Value<int>("filters"), ConvArgs.IntsOrInt(config["output_padding"]), KernelArgs.Read(config, "kernel"), ConvCommonArgs.Read(config))
    {
    }

    private BaseConvTranspose(int rank, int filters, int[]? outputPadding, KernelArgs kernel, ConvCommonArgs args)
        : base(rank, args)
    {
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        Filters = filters;
        OutputPadding = outputPadding is null ? null : ConvArgs.Tuple(outputPadding, rank, "output_padding", [0], allowZero: true);
        if (OutputPadding is not null && OutputPadding.Where((p, i) => p >= Strides[i]).Any())
            throw new ArgumentException($"Strides must be greater than output padding. Received strides=({string.Join(", ", Strides)}), output_padding=({string.Join(", ", OutputPadding)}).", nameof(outputPadding));
        _kernelArgs = kernel;
    }

    public int Filters { get; }

    /// <summary>Extra cells at the end of each output axis (each below its stride), or null for Keras's default lengths.</summary>
    public int[]? OutputPadding { get; }

    public Initializer KernelInitializer => _kernelArgs.Initializer;

    public Regularizer? KernelRegularizer => _kernelArgs.Regularizer;

    public Constraint? KernelConstraint => _kernelArgs.Constraint;

    /// <summary>The (k..., filters, in) weight; null before build.</summary>
    public Variable? Kernel => _kernel;

    public override void Build(KerasShape inputShape)
    {
        int channels = InputChannels(inputShape);
        _kernel = AddKernel("kernel", new Shape([.. KernelSize, Filters, channels]), _kernelArgs);
        AddBias(Filters);
    }

    protected override Tensor Convolve(Tensor x)
    {
        if (Rank == 1)
            return Ops.Conv1DTranspose(x, _kernel!.Value, Strides[0], PaddingMode, OutputPadding?[0], DilationRate[0]);
        (int, int)? outputPadding = OutputPadding is null ? null : (OutputPadding[0], OutputPadding[1]);
        return Ops.Conv2DTranspose(x, _kernel!.Value, (Strides[0], Strides[1]), PaddingMode, outputPadding, (DilationRate[0], DilationRate[1]));
    }

    /// <summary>Keras's deconv_output_length.</summary>
    protected override int? OutputLength(int? length, int axis)
    {
        if (length is not int l) return null;
        int effective = (KernelSize[axis] - 1) * DilationRate[axis] + 1;
        if (OutputPadding is not null)
        {
            int pad = PaddingMode == Padding.Same ? effective / 2 : 0;
            return (l - 1) * Strides[axis] + effective - 2 * pad + OutputPadding[axis];
        }
        return PaddingMode == Padding.Same ? l * Strides[axis] : l * Strides[axis] + Math.Max(effective - Strides[axis], 0);
    }

    protected override int? OutputChannels(int? inputChannels) => Filters;

    public override JObject GetConfig()
    {
        var config = ConvConfig(Filters, [_kernelArgs]);
        config["output_padding"] = OutputPadding is null ? null : LayerConfig.ToJson(OutputPadding);
        return config;
    }
}
