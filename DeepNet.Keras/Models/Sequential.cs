using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras;

/// <summary>
/// A plain stack of layers, each feeding the next (Keras <c>keras.Sequential</c>). Once the
/// input shape is known (an <see cref="InputLayer"/> added first, a first layer made with
/// <c>InputShape</c>/<c>inputDim</c>, or the first call or Fit), it builds a functional graph
/// behind the scenes, as Keras 3 does.
/// </summary>
public class Sequential : Model
{
    private readonly List<Layer> _stack = new();
    private InputLayer? _inputLayer;

    public Sequential(IEnumerable<Layer>? layers = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (layers is null) return;
        foreach (var layer in layers) Add(layer);
    }

    public override string ClassName => "Sequential";

    /// <summary>The layers, without the InputLayer (as Keras's <c>model.layers</c>).</summary>
    public override IReadOnlyList<Layer> Layers => _stack;

    /// <summary>Adds an input (<c>model.add(keras.Input(shape))</c>); only as the first thing added.</summary>
    public void Add(KerasTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Layer is not InputLayer inputLayer)
            throw new ArgumentException($"Only an input tensor (from keras.Input) can be added to a Sequential model; received {input}.");
        Add(inputLayer);
    }

    /// <summary>Adds a layer on top of the stack.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer input)
        {
            if (_inputLayer is not null || _stack.Count > 0)
                throw new ArgumentException($"Sequential model '{Name}' already has an input; an InputLayer can only be added first. Received: {input.Name}.");
            _inputLayer = input;
            Rebuild();
            return;
        }
        if (_stack.Contains(layer))
            throw new ArgumentException($"Layer '{layer.Name}' is already in Sequential model '{Name}'.");
        if (_stack.Any(l => l.Name == layer.Name))
            throw new ArgumentException($"All layers added to a Sequential model should have unique names. Name \"{layer.Name}\" is already the name of a layer in this model. Update the `name` argument to pass a unique name.");
        _stack.Add(layer);
        Track(layer);
        Rebuild();
    }

    /// <summary>Removes the last layer (Keras <c>model.pop()</c>).</summary>
    public Layer Pop()
    {
        if (_stack.Count == 0) throw new InvalidOperationException($"There are no layers in the model '{Name}'.");
        var last = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        Untrack(last);
        if (_stack.Count == 0)
        {
            ClearGraph();
            if (_inputLayer is null) ResetBuilt();
        }
        else Rebuild();
        return last;
    }

    /// <summary>The batch input shape, when known.</summary>
    private KerasShape? KnownInputShape => _inputLayer?.InputBatchShape ?? (_stack.Count > 0 ? _stack[0].BatchInputShape : null);

    /// <summary>Re-wires the graph when the input shape is known (after Add/Pop, as Keras's _maybe_rebuild).</summary>
    private void Rebuild()
    {
        if (KnownInputShape is { } shape)
        {
            if (!Built) EnsureBuilt(shape);
            else BuildGraph(shape);
        }
    }

    public override void Build(KerasShape inputShape) => BuildGraph(inputShape);

    public override void Build(IReadOnlyList<KerasShape> inputShapes)
    {
        if (inputShapes.Count != 1) throw new ArgumentException($"Sequential model '{Name}' takes one input, received {inputShapes.Count}.");
        BuildGraph(inputShapes[0]);
    }

    private void BuildGraph(KerasShape inputShape)
    {
        _inputLayer ??= new InputLayer(batchShape: inputShape.WithBatchSize(null));
        if (_stack.Count == 0) return;
        var x = _inputLayer.Output;
        foreach (var layer in _stack) x = layer.Apply(x);
        InitGraph([_inputLayer.Output], [x]);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (IsFunctional) return base.Call(inputs, training, mask);
        var x = inputs;
        foreach (var layer in _stack) x = layer.Apply(x, training);
        return x;
    }

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        if (IsFunctional) return base.Call(inputs, training);
        if (inputs.Count != 1) throw new ArgumentException($"Sequential model '{Name}' takes one input, received {inputs.Count}.");
        return [Call(inputs[0], training)];
    }

    /// <summary>Keras 3 config: name, trainable, dtype, layers (InputLayer first when known), build_input_shape.</summary>
    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        var layers = new JArray();
        if (_inputLayer is not null) layers.Add(LayerRegistry.SerializeKeras3(_inputLayer));
        foreach (var l in _stack) layers.Add(LayerRegistry.SerializeKeras3(l));
        config["layers"] = layers;
        if (_inputLayer is not null) config["build_input_shape"] = _inputLayer.InputBatchShape.ToJson();
        return config;
    }

    public static new Sequential FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        var model = new Sequential(name: LayerConfig.Name(config), trainable: LayerConfig.Trainable(config));
        var layers = config["layers"] as JArray ?? throw new ArgumentException("Sequential config needs layers.");
        foreach (var entry in layers) model.Add(LayerRegistry.Deserialize((JObject)entry));
        if (!model.Built && config["build_input_shape"] is JArray shape) model.EnsureBuilt(KerasShape.FromJson(shape));
        return model;
    }
}
