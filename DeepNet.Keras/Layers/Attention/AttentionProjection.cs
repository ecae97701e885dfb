using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// One projection inside <see cref="MultiHeadAttention"/>, which Keras builds as an
/// <c>EinsumDense</c>: the last <see cref="BoundDims"/> axes of the input are contracted with the
/// first axes of a kernel of shape (bound…, output…), a bias of the output shape is added, then
/// an optional activation. The query/key/value projections are (dim) → (heads, key_dim) with a
/// (dim, heads, key_dim) kernel; the output projection is (heads, value_dim) → (out…).
/// Computed as one Dense on reshaped views, so the kernel keeps Keras's layout.
/// </summary>
public sealed class AttentionProjection : Layer
{
    private readonly int _inputRank;
    private Variable? _kernel;
    private Variable? _bias;

    /// <param name="inputRank">Rank of the inputs (batch included), for the einsum equation in the config.</param>
    /// <param name="boundDims">How many trailing input axes are contracted with the kernel.</param>
    /// <param name="outputDims">The trailing output axes the kernel makes.</param>
    public AttentionProjection(int inputRank, int boundDims, int[] outputDims, bool useBias, string? activation,
        Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(outputDims);
        ArgumentNullException.ThrowIfNull(kernelInitializer);
        ArgumentNullException.ThrowIfNull(biasInitializer);
        if (boundDims < 1 || inputRank <= boundDims)
            throw new ArgumentOutOfRangeException(nameof(boundDims), $"AttentionProjection needs 1 ≤ bound_dims < input rank; got bound_dims={boundDims}, input rank {inputRank}.");
        if (outputDims.Length == 0 || outputDims.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(outputDims), $"AttentionProjection output dims must be positive; got ({string.Join(", ", outputDims)}).");
        _inputRank = inputRank;
        BoundDims = boundDims;
        OutputDims = (int[])outputDims.Clone();
        UseBias = useBias;
        Activation = Activations.Get(activation);
        KernelInitializer = kernelInitializer;
        BiasInitializer = biasInitializer;
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
    }

    public override string ClassName => "EinsumDense";

    public int BoundDims { get; }

    public IReadOnlyList<int> OutputDims { get; }

    public bool UseBias { get; }

    public ActivationFunction Activation { get; }

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? KernelConstraint { get; }

    public Constraint? BiasConstraint { get; }

    /// <summary>The (bound…, output…) kernel; null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias of the output shape; null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <summary>Keras's einsum equation for this projection, e.g. <c>abc,cde->abde</c>.</summary>
    public string Equation
    {
        get
        {
            int free = _inputRank - BoundDims;
            string freeStr = Letters(0, free), boundStr = Letters(free, BoundDims), outStr = Letters(free + BoundDims, OutputDims.Count);
            return $"{freeStr}{boundStr},{boundStr}{outStr}->{freeStr}{outStr}";
        }
    }

    private static string Letters(int start, int count) => new(Enumerable.Range(start, count).Select(i => (char)('a' + i)).ToArray());

    public override void Build(KerasShape inputShape)
    {
        if (inputShape.Rank != _inputRank)
            throw new ShapeMismatchException(Name, $"expects inputs of rank {_inputRank}, got {inputShape}.");
        var bound = new int[BoundDims];
        for (int i = 0; i < BoundDims; i++)
        {
            bound[i] = inputShape[_inputRank - BoundDims + i]
                ?? throw new ArgumentException($"Layer '{Name}': the last {BoundDims} dimension(s) of the input must be known, received input shape {inputShape}.");
        }
        // Keras gives a variance-scaling initializer the kernel's input and output axes, so its fans
        // are those of the equivalent Dense: fan_in = Π bound, fan_out = Π output.
        var kernelInit = WithFanAxes(KernelInitializer,
            Enumerable.Range(0, BoundDims).ToArray(), Enumerable.Range(BoundDims, OutputDims.Count).ToArray());
        _kernel = AddWeight("kernel", new Shape([.. bound, .. OutputDims]), kernelInit, KernelRegularizer, KernelConstraint);
        if (UseBias) _bias = AddWeight("bias", new Shape([.. OutputDims]), BiasInitializer, BiasRegularizer, BiasConstraint);
        InputSpec = new InputSpec(ndim: _inputRank);
    }

    private static Initializer WithFanAxes(Initializer initializer, int[] inputAxes, int[] outputAxes)
    {
        if (initializer is not VarianceScaling vs || (vs.InputAxes is not null && vs.OutputAxes is not null)) return initializer;
        var envelope = KerasObjects.Serialize(initializer);
        if (envelope["config"] is not JObject config) return initializer;
        config["input_axes"] = new JArray(inputAxes);
        config["output_axes"] = new JArray(outputAxes);
        return KerasObjects.Initializer(envelope);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var kernel = _kernel!.Value;
        int boundSize = 1, outSize = 1;
        for (int i = 0; i < BoundDims; i++) boundSize *= kernel.Shape[i];
        foreach (int d in OutputDims) outSize *= d;
        for (int i = 0; i < BoundDims; i++)
        {
            if (inputs.Shape[inputs.Rank - BoundDims + i] != kernel.Shape[i])
                throw new ShapeMismatchException(Name, $"input {inputs.Shape} does not end in the kernel's input dims {kernel.Shape}.");
        }
        var lead = inputs.Shape.ToArray()[..(inputs.Rank - BoundDims)];
        var x = Ops.Reshape(inputs, [.. lead, boundSize]);
        var k = Ops.Reshape(kernel, boundSize, outSize);
        var b = _bias is null ? null : Ops.Reshape(_bias.Value, outSize);
        var y = Activation.Kind is ActivationKind kind ? Ops.Dense(x, k, b, kind, Activation.Alpha) : Activation.Call(Ops.Dense(x, k, b));
        y = Ops.Reshape(y, [.. lead, .. OutputDims]);
        if (ActivityRegularizer is not null) AddLoss(Ops.Divide(ActivityRegularizer.Call(y), y.Shape[0]));
        return y;
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray()[..(inputShape.Rank - BoundDims)];
        return new KerasShape([.. dims, .. OutputDims.Select(d => (int?)d)]);
    }

    /// <summary>The EinsumDense config Keras writes for this projection.</summary>
    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["equation"] = Equation;
        int outputRank = _inputRank - BoundDims + OutputDims.Count;
        // Keras's output_shape leaves the leading non-batch axes unknown.
        var outputShape = new JArray();
        for (int i = 0; i < outputRank - 1 - OutputDims.Count; i++) outputShape.Add(JValue.CreateNull());
        foreach (int d in OutputDims) outputShape.Add(d);
        config["output_shape"] = outputShape;
        config["activation"] = Activations.Serialize(Activation);
        config["bias_axes"] = UseBias ? Equation.Split("->")[1][^OutputDims.Count..] : null;
        config["kernel_initializer"] = KerasObjects.Serialize(KernelInitializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        config["kernel_regularizer"] = KerasObjects.Serialize(KernelRegularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        config["kernel_constraint"] = KerasObjects.Serialize(KernelConstraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        config["quantization_config"] = null;
        return config;
    }
}
