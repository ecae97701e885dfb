using DeepNet.Keras.Constraints;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Transposed 1-D convolution (Keras <c>keras.layers.Conv1DTranspose</c>), the adjoint of Conv1D:
/// kernel (k, filters, in), bias (filters,). Keras defaults: strides=1, padding="valid", output_padding=None,
/// data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
/// kernel_initializer="glorot_uniform", bias_initializer="zeros".
/// </summary>
public sealed class Conv1DTranspose : BaseConvTranspose
{
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">(k), one int.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="outputPadding">Extra cells at the end of each output axis, each below its stride; null for Keras's default lengths.</param>
    public Conv1DTranspose(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", int[]? outputPadding = null,
        string? dataFormat = null, int[]? dilationRate = null, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(1, filters, kernelSize, strides, padding, outputPadding, dataFormat, dilationRate, activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer,
            kernelConstraint, biasConstraint, name, trainable)
    {
    }

    private Conv1DTranspose(JObject config) : base(1, config)
    {
    }

    public override string ClassName => "Conv1DTranspose";

    public static Conv1DTranspose FromConfig(JObject config) => new(config) { InputShape = LayerConfig.InputShape(config) };
}
