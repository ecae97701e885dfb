using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Repeats a (batch, features) input n times: (batch, n, features) (Keras <c>keras.layers.RepeatVector</c>). Config: n.</summary>
public sealed class RepeatVector : Layer
{
    public RepeatVector(int n, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"Expected an integer value for `n`, must be positive. Received: n={n}");
        N = n;
        InputSpec = new InputSpec(ndim: 2);
    }

    public override string ClassName => "RepeatVector";

    public int N { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) =>
        Ops.Tile(Ops.ExpandDims(inputs, 1), 1, N, 1);

    public override KerasShape ComputeOutputShape(KerasShape inputShape) => new(inputShape[0], N, inputShape[1]);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["n"] = N;
        return config;
    }

    public static RepeatVector FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new RepeatVector(config.Value<int>("n"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
