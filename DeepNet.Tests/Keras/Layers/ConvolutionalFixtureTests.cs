using DeepNet.Keras;
using DeepNet.Keras.Datasets;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using DeepNet.Numpy;
using DeepNet.Tests.Keras.Saving;
using PureHDF;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// Real Keras-saved convolutional models (../shared/fixtures/keras): the architecture built in
/// code, the weights read from the .h5 file by a small test helper (loading model files proper
/// belongs to the saving work), then predictions compared with outputs computed independently.
/// </summary>
public class ConvolutionalFixtureTests
{
    private static string Fixture(params string[] parts) => TestPaths.SharedFile(["fixtures", "keras", .. parts]);

    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    /// <summary>
    /// The weights of one layer of a legacy Keras .h5 file (model_weights/&lt;layer&gt;), in the
    /// order of the group's weight_names attribute, which is Keras's get_weights() order.
    /// </summary>
    private static float[][] H5LayerWeights(IH5Group modelWeights, string layer)
    {
        var group = modelWeights.Group(layer);
        var names = group.Attribute("weight_names").Read<string[]>();
        return names.Select(n => group.Dataset(n).Read<float[]>()).ToArray();
    }

    private static void LoadWeights(string file, IEnumerable<Layer> layers)
    {
        using var h5 = H5File.OpenRead(file);
        var modelWeights = h5.Group("model_weights");
        foreach (var layer in layers)
        {
            if (layer.Weights.Count == 0) continue;
            layer.SetWeights(H5LayerWeights(modelWeights, layer.Name));
        }
    }

    /// <summary>The MNIST t10k images as (N, 28, 28, 1) floats, scaled by <paramref name="scale"/>.</summary>
    private static Tensor First100(float scale)
    {
        var pixels = Npy.Read(Fixture("mnist_t10k_first100_uint8.npy")).ToInt32();
        return Tensor.FromArray(Array.ConvertAll(pixels, p => p * scale), new Shape(100, 28, 28, 1));
    }

    private static Tensor AllT10k(float scale) => KerasFixtures.MnistAllT10k(scale);

    private static void AssertLabels(Tensor probabilities, string expectedFile)
    {
        var expected = Npy.Read(expectedFile).ToInt32();
        var p = probabilities.ToArray();
        int classes = p.Length / expected.Length, wrong = 0, first = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            int best = 0;
            for (int k = 1; k < classes; k++) if (p[i * classes + k] > p[i * classes + best]) best = k;
            if (best != expected[i]) { wrong++; if (first < 0) first = i; }
        }
        Assert.That(wrong, Is.Zero, $"{wrong} predicted labels differ, first at image {first}");
    }

    // ---- dnnrepair_mnist_cnn: Keras 2.2.4 Sequential --------------------------------------------

    private static Sequential DnnRepairModel()
    {
        var model = new Sequential();
        model.Add(new Conv2D(2, [3, 3], name: "conv2d_1") { InputShape = [28, 28, 1] });
        model.Add(new Activation("relu", name: "activation_1"));
        model.Add(new Conv2D(4, [3, 3], name: "conv2d_2"));
        model.Add(new Activation("relu", name: "activation_2"));
        model.Add(new MaxPooling2D([2, 2], name: "max_pooling2d_1"));
        model.Add(new Flatten(name: "flatten_1"));
        model.Add(new Dense(128, name: "dense_1"));
        model.Add(new Activation("relu", name: "activation_3"));
        model.Add(new Dense(10, name: "dense_2"));
        model.Add(new Activation("softmax", name: "activation_4"));
        LoadWeights(Fixture("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5"), model.Layers);
        return model;
    }

    [Test]
    public void DnnRepairMnistCnn_First100_MatchExpectedOutputs()
    {
        var model = DnnRepairModel();
        var y = model.Predict(First100(1f));
        var expected = Npy.Read(Fixture("dnnrepair_mnist_cnn", "expected_output_first100.npy")).ToFloat32();
        KerasTestUtil.AssertClose(y.ToArray(), expected, 1e-5, 0);
    }

    [Test]
    [Category("Slow")]
    public void DnnRepairMnistCnn_AllT10k_PredictedLabelsMatch()
    {
        var model = DnnRepairModel();
        AssertLabels(model.Predict(AllT10k(1f), batchSize: 500), Fixture("dnnrepair_mnist_cnn", "pred_labels_t10k.npy"));
    }

    // ---- ibukye_resnet_mnist: Keras 3.11 functional ResNet ------------------------------------

    private static Model ResNetModel()
    {
        var layers = new List<Layer>();
        T L<T>(T layer) where T : Layer
        {
            layers.Add(layer);
            return layer;
        }
        KerasTensor ConvBn(KerasTensor x, string conv, string bn, string? activation) =>
            L(new BatchNormalization(name: bn)).Apply(L(new Conv2D(32, [3, 3], padding: "same", activation: activation, name: conv)).Apply(x));

        var input = KerasApi.Input([28, 28, 1], name: "input_layer");
        var b0 = ConvBn(input, "conv2d", "batch_normalization", "relu");
        var b1 = ConvBn(b0, "conv2d_1", "batch_normalization_1", "relu");
        var b2 = ConvBn(b1, "conv2d_2", "batch_normalization_2", null);
        var r0 = L(new ReLU(name: "re_lu")).Apply(L(new Add(name: "add")).Apply(b0, b2));
        var b3 = ConvBn(r0, "conv2d_3", "batch_normalization_3", "relu");
        var b4 = ConvBn(b3, "conv2d_4", "batch_normalization_4", null);
        var r1 = L(new ReLU(name: "re_lu_1")).Apply(L(new Add(name: "add_1")).Apply(r0, b4));
        var pooled = L(new GlobalAveragePooling2D(name: "global_average_pooling2d")).Apply(r1);
        var output = L(new Dense(10, activation: "softmax", name: "dense")).Apply(pooled);
        var model = new Model(input, output, name: "functional");
        LoadWeights(Fixture("ibukye_resnet_mnist", "resnet_mnist.h5"), layers);
        return model;
    }

    [Test]
    public void IbukyeResNetMnist_First100_MatchExpectedOutputs()
    {
        var model = ResNetModel();
        var y = model.Predict(First100(1f / 255f));
        var expected = Npy.Read(Fixture("ibukye_resnet_mnist", "expected", "expected_output_first100.npy")).ToFloat32();
        KerasTestUtil.AssertClose(y.ToArray(), expected, 1e-5, 0);
    }

    [Test]
    [Category("Slow")]
    public void IbukyeResNetMnist_AllT10k_PredictedLabelsMatch()
    {
        var model = ResNetModel();
        AssertLabels(model.Predict(AllT10k(1f / 255f), batchSize: 500), Fixture("ibukye_resnet_mnist", "expected", "pred_labels_t10k.npy"));
    }
}
