using DeepNet.Memory;

namespace DeepNet.Keras;

/// <summary>
/// A named, mutable tensor owned by a layer, an optimizer or a metric (Keras <c>keras.Variable</c>).
/// The value lives outside every <see cref="TensorScope"/>; optimizers update it in place, so the
/// same <see cref="Value"/> tensor is used for the variable's whole life.
/// </summary>
public sealed class Variable : IDisposable
{
    /// <summary>Wraps <paramref name="initialValue"/>, taking ownership of it.</summary>
    public Variable(Tensor initialValue, string name, bool trainable = true)
    {
        ArgumentNullException.ThrowIfNull(initialValue);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Value = TensorScope.Detach(initialValue);
        Name = name;
        Path = name;
        Trainable = trainable;
    }

    /// <summary>Short name, as Keras gives it (<c>kernel</c>, <c>bias</c>, <c>moving_mean</c>).</summary>
    public string Name { get; }

    /// <summary>Path including the owner, e.g. <c>dense/kernel</c> (set by the owner).</summary>
    public string Path { get; set; }

    public bool Trainable { get; set; }

    public Tensor Value { get; }

    public Shape Shape => Value.Shape;

    public DType DType => Value.DType;

    /// <summary>Copies <paramref name="value"/> into the variable; shapes must match exactly.</summary>
    public void Assign(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Shape != Shape)
            throw new ShapeMismatchException("Variable.Assign", $"variable '{Path}' has shape {Shape}, the value has shape {value.Shape}.");
        if (ReferenceEquals(value.Backend, Value.Backend))
        {
            if (value.DType == DType) Value.Backend.Copy(value, Value);
            else Value.Backend.Cast(value, Value);
            return;
        }
        using var moved = value.To(Value.Backend);
        Value.Backend.Copy(moved, Value);
    }

    /// <summary>Copies host values (row-major) into the variable.</summary>
    public void Assign(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Shape.Size)
            throw new ShapeMismatchException("Variable.Assign", $"variable '{Path}' has shape {Shape} ({Shape.Size} values), got {values.Length} values.");
        Value.Backend.Upload<float>(values, Value);
    }

    /// <summary>A host copy of the value (Keras <c>variable.numpy()</c>).</summary>
    public float[] ToArray() => Value.ToArray();

    public void Dispose() => Value.Dispose();

    public override string ToString() => $"<Variable path={Path}, shape={Shape}, dtype={DType.Name()}>";
}
