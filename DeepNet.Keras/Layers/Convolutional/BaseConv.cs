using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Shared part of Conv1D, Conv2D and Conv3D (Keras <c>BaseConv</c>): kernel (k..., in/groups,
/// filters), optional bias (filters,), then the activation.
/// </summary>
public abstract class BaseConv : ConvLayerBase
{
    private readonly KernelArgs _kernelArgs;
    private Variable? _kernel;

    protected BaseConv(int rank, int filters, int[] kernelSize, int[]? strides, string padding, string? dataFormat,
        int[]? dilationRate, int groups, string? activation, bool useBias,
        Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer,
        Constraint? kernelConstraint, Constraint? biasConstraint, string? name, bool trainable)
        : this(rank, filters, groups, KernelArgs.Of("kernel", kernelInitializer, kernelRegularizer, kernelConstraint),
            new ConvCommonArgs(kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, biasInitializer,
                biasRegularizer, activityRegularizer, biasConstraint, name, trainable))
    {
    }

    /// <summary>From a Keras config.</summary>
    private protected BaseConv(int rank, JObject config)
        : this(rank, config.Value<int>("filters"), LayerConfig.Get(config, "groups", 1), KernelArgs.Read(config, "kernel"), ConvCommonArgs.Read(config))
    {
    }

    private BaseConv(int rank, int filters, int groups, KernelArgs kernel, ConvCommonArgs args)
        : base(rank, args, allowCausal: rank == 1)
    {
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        if (groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(groups), $"The number of groups must be a positive integer. Received: groups={groups}.");
        if (filters % groups != 0)
            throw new ArgumentException($"The number of filters must be evenly divisible by the number of groups. Received: groups={groups}, filters={filters}.", nameof(groups));
        RejectStridedDilation();
        Filters = filters;
        Groups = groups;
        _kernelArgs = kernel;
    }

    public int Filters { get; }

    public int Groups { get; }

    public Initializer KernelInitializer => _kernelArgs.Initializer;

    public Regularizer? KernelRegularizer => _kernelArgs.Regularizer;

    public Constraint? KernelConstraint => _kernelArgs.Constraint;

    /// <summary>The (k..., in/groups, filters) weight; null before build.</summary>
    public Variable? Kernel => _kernel;

    public override void Build(KerasShape inputShape)
    {
        int inputChannels = InputChannels(inputShape);
        if (inputChannels % Groups != 0)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"the number of input channels must be evenly divisible by the number of groups. Received groups={Groups}, but the input has {inputChannels} channels (full input shape is {inputShape}).");
        _kernel = AddKernel("kernel", new Shape([.. KernelSize, inputChannels / Groups, Filters]), _kernelArgs);
        AddBias(Filters);
    }

    protected override Tensor Convolve(Tensor x) => Rank switch
    {
        1 => Conv1D(x),
        2 => Ops.Conv2D(x, _kernel!.Value, (Strides[0], Strides[1]), PaddingMode, (DilationRate[0], DilationRate[1]), Groups),
        _ => Ops.Conv3D(x, _kernel!.Value, (Strides[0], Strides[1], Strides[2]), PaddingMode, (DilationRate[0], DilationRate[1], DilationRate[2]), Groups),
    };

    private Tensor Conv1D(Tensor x)
    {
        if (PaddingMode != Padding.Causal)
            return Ops.Conv1D(x, _kernel!.Value, Strides[0], PaddingMode, DilationRate[0], Groups);
        // As Keras: k_eff − 1 zeros on the left, then a valid convolution (whatever the stride).
        int left = (KernelSize[0] - 1) * DilationRate[0];
        var padded = left == 0 ? x : Ops.Pad(x, [0, left, 0], [0, 0, 0]);
        return Ops.Conv1D(padded, _kernel!.Value, Strides[0], Padding.Valid, DilationRate[0], Groups);
    }

    protected override int? OutputChannels(int? inputChannels) => Filters;

    public override JObject GetConfig() => ConvConfig(Filters, [_kernelArgs], afterDilation: ("groups", Groups));
}
