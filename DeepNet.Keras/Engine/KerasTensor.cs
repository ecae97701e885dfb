using DeepNet.Keras.Layers;

namespace DeepNet.Keras.Engine;

/// <summary>
/// A symbolic tensor of the functional API (Keras <c>KerasTensor</c>): a shape whose batch is
/// usually unknown, a dtype, and where it came from (the layer, which of its calls, which output).
/// Made by <see cref="KerasApi.Input"/> and by applying a layer to other symbolic tensors.
/// </summary>
public sealed class KerasTensor
{
    internal KerasTensor(KerasShape shape, DType dtype, Layer layer, int nodeIndex, int tensorIndex, string name)
    {
        Shape = shape;
        DType = dtype;
        Layer = layer;
        NodeIndex = nodeIndex;
        TensorIndex = tensorIndex;
        Name = name;
    }

    public KerasShape Shape { get; }

    public DType DType { get; }

    /// <summary>The layer that made this tensor (Keras <c>_keras_history.operation</c>).</summary>
    public Layer Layer { get; }

    /// <summary>Which call of <see cref="Layer"/> made it.</summary>
    public int NodeIndex { get; }

    /// <summary>Which output of that call it is.</summary>
    public int TensorIndex { get; }

    public string Name { get; }

    /// <summary>The call that made this tensor.</summary>
    public Node Node => Layer.InboundNodes[NodeIndex];

    public override string ToString() => $"<KerasTensor shape={Shape}, dtype={DType.Name()}, name={Name}>";
}
