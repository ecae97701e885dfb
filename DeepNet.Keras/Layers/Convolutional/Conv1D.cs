using DeepNet.Keras.Constraints;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// 1-D convolution (Keras <c>keras.layers.Conv1D</c>): kernel (k, in/groups, filters), bias
/// (filters,). Keras defaults: strides=1, padding="valid", data_format="channels_last",
/// dilation_rate=1, groups=1, activation=None, use_bias=True,
/// kernel_initializer="glorot_uniform", bias_initializer="zeros".
/// </summary>
public sealed class Conv1D : BaseConv
{
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">(k), one int.</param>
    /// <param name="strides">(s).</param>
    /// <param name="padding">"valid", "same" or "causal" (left padding only: outputs see only the past).</param>
    public Conv1D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", string? dataFormat = null,
        int[]? dilationRate = null, int groups = 1, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(1, filters, kernelSize, strides, padding, dataFormat, dilationRate, groups, activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer,
            kernelConstraint, biasConstraint, name, trainable)
    {
    }

    private Conv1D(JObject config) : base(1, config)
    {
    }

    public override string ClassName => "Conv1D";

    public static Conv1D FromConfig(JObject config) => new(config) { InputShape = LayerConfig.InputShape(config) };
}
