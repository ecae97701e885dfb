using DeepNet.Keras.Layers;

namespace DeepNet.Keras.Engine;

/// <summary>
/// A symbolic tensor of the functional API (Keras <c>KerasTensor</c>): a shape whose batch is
/// usually unknown, a dtype, and where it came from (the layer, which of its calls, which output).
/// Made by <see cref="KerasApi.Input"/> and by applying a layer to other symbolic tensors.
/// </summary>
public sealed class KerasTensor
{
    internal KerasTensor(KerasShape shape, DType dtype, Layer layer, int nodeIndex, int tensorIndex, string name, string? kerasDType = null)
    {
        Shape = shape;
        DType = dtype;
        KerasDType = kerasDType ?? dtype.Name();
        Layer = layer;
        NodeIndex = nodeIndex;
        TensorIndex = tensorIndex;
        Name = name;
    }

    public KerasShape Shape { get; }

    /// <summary>The tensor type that holds the values.</summary>
    public DType DType { get; }

    /// <summary>
    /// The Keras dtype name configs write ("float32", "int32", "bool"…); an input's may differ
    /// from <see cref="DType"/> (a bool input holds 0/1 float32, see <see cref="KerasDTypes"/>).
    /// </summary>
    public string KerasDType { get; }

    /// <summary>The layer that made this tensor (Keras <c>_keras_history.operation</c>).</summary>
    public Layer Layer { get; }

    /// <summary>Which call of <see cref="Layer"/> made it.</summary>
    public int NodeIndex { get; }

    /// <summary>Which output of that call it is.</summary>
    public int TensorIndex { get; }

    public string Name { get; }

    /// <summary>The call that made this tensor.</summary>
    public Node Node => Layer.InboundNodes[NodeIndex];

    public override string ToString() => $"<KerasTensor shape={Shape}, dtype={KerasDType}, name={Name}>";
}
