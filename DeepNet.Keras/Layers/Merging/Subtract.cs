using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Subtracts its second input from its first (Keras <c>keras.layers.Subtract</c>); exactly two inputs.</summary>
public sealed class Subtract : Merge
{
    public Subtract(string? name = null, bool trainable = true) : base(name, trainable) { }

    public override string ClassName => "Subtract";

    protected override Tensor Combine(Tensor a, Tensor b) => Ops.Subtract(a, b);

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        if (inputShapes.Count != 2)
            throw new ArgumentException($"A `Subtract` layer should be called on exactly 2 inputs. Received: {inputShapes.Count} inputs. Layer '{Name}'.");
        return base.ComputeOutputShape(inputShapes);
    }

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        if (inputs.Count != 2)
            throw new ArgumentException($"A `Subtract` layer should be called on exactly 2 inputs. Received: {inputs.Count} inputs. Layer '{Name}'.");
        return base.Call(inputs, training);
    }

    public static Subtract FromConfig(JObject config) => FromBase(config, (n, t) => new Subtract(n, t));
}
