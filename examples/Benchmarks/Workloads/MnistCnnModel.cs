using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;

namespace DeepNet.Benchmarks.Workloads;

/// <summary>The W2/W4 model: Keras's mnist_cnn with Adam at Keras's defaults (lr 0.001, betas 0.9/0.999, eps 1e-7), and its random data.</summary>
internal static class MnistCnnModel
{
    public static Sequential Create()
    {
        var model = new Sequential();
        model.Add(new Conv2D(32, [3, 3], activation: "relu") { InputShape = [28, 28, 1] });
        model.Add(new Conv2D(64, [3, 3], activation: "relu"));
        model.Add(new MaxPooling2D([2, 2]));
        model.Add(new Dropout(0.25f));
        model.Add(new Flatten());
        model.Add(new Dense(128, activation: "relu"));
        model.Add(new Dropout(0.5f));
        model.Add(new Dense(10, activation: "softmax"));
        model.Compile(loss: "categorical_crossentropy", optimizer: new Adam());
        return model;
    }

    /// <summary>Images U[0,1) of (n, 28, 28, 1).</summary>
    public static Tensor Images(Random rng, int n)
    {
        var data = new float[n * 28 * 28];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextSingle();
        return Tensor.FromArray(data, new Shape(n, 28, 28, 1));
    }

    /// <summary>One-hot labels uniform in 0..9.</summary>
    public static Tensor Labels(Random rng, int n)
    {
        var data = new float[n * 10];
        for (int i = 0; i < n; i++) data[i * 10 + rng.Next(10)] = 1f;
        return Tensor.FromArray(data, new Shape(n, 10));
    }
}
