using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Passes its input through and adds <c>l1·Σ|x| + l2·Σx²</c> to the loss, as Keras 3's
/// layer.py does (no division by the batch size; Keras 2 divided) (Keras <c>keras.layers.ActivityRegularization</c>). Defaults: l1=0.0, l2=0.0.
/// </summary>
public sealed class ActivityRegularization : Layer
{
    public ActivityRegularization(float l1 = 0f, float l2 = 0f, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (l1 < 0) throw new ArgumentOutOfRangeException(nameof(l1), $"Value for argument `l1` should be non-negative. Received: l1={l1}");
        if (l2 < 0) throw new ArgumentOutOfRangeException(nameof(l2), $"Value for argument `l2` should be non-negative. Received: l2={l2}");
        L1 = l1;
        L2 = l2;
    }

    public override string ClassName => "ActivityRegularization";

    public float L1 { get; }

    public float L2 { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (L1 != 0f || L2 != 0f)
        {
            Tensor? penalty = null;
            if (L1 != 0f) penalty = Ops.Multiply(Ops.Sum(Ops.Abs(inputs)), L1);
            if (L2 != 0f)
            {
                var p2 = Ops.Multiply(Ops.Sum(Ops.Square(inputs)), L2);
                penalty = penalty is null ? p2 : Ops.Add(penalty, p2);
            }
            AddLoss(penalty!);
        }
        return inputs;
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["l1"] = L1;
        config["l2"] = L2;
        return config;
    }

    public static ActivityRegularization FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new ActivityRegularization(LayerConfig.Get(config, "l1", 0f), LayerConfig.Get(config, "l2", 0f), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
