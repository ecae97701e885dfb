using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Legacy weight layouts that Keras converts on load: CuDNNLSTM / CuDNNGRU layers and their
/// weights, and Keras 1 per-gate recurrent weights and Conv1D kernels. The files are written by
/// h5py in the layout Keras 2 wrote (skipped, with the reason, where h5py is absent); the
/// expected outputs are float64 loops of the cuDNN (or Keras 1) formulas over the stored arrays.
/// </summary>
public class LegacyConversionTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-legacyconv-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // ---- writing Keras 2 style files with h5py ----------------------------------------------------

    private sealed record StoredWeight(string Name, int[] Shape, double[] Values);

    private sealed record StoredLayer(string Name, StoredWeight[] Weights);

    // Writes the legacy tree as Keras 2's hdf5_format does: byte-string attributes, one group per
    // layer with weight_names, datasets at the (slash-containing) weight names.
    private const string WriterScript = """
        import sys, json, h5py, numpy as np
        spec = json.load(open(sys.argv[1]))
        with h5py.File(spec["path"], "w") as f:
            if spec.get("model_config") is not None:
                f.attrs["keras_version"] = spec.get("file_keras_version") or "2.4.0"
                f.attrs["backend"] = "tensorflow"
                f.attrs["model_config"] = json.dumps(spec["model_config"]).encode("utf8")
                g = f.create_group("model_weights")
            else:
                g = f
            g.attrs["layer_names"] = [l["name"].encode("utf8") for l in spec["layers"]]
            g.attrs["backend"] = b"tensorflow"
            if spec.get("keras_version") is not None:
                g.attrs["keras_version"] = spec["keras_version"].encode("utf8")
            for layer in spec["layers"]:
                lg = g.create_group(layer["name"])
                lg.attrs["weight_names"] = [w["name"].encode("utf8") for w in layer["weights"]]
                for w in layer["weights"]:
                    lg.create_dataset(w["name"], data=np.array(w["values"], dtype=np.float32).reshape(w["shape"]))
        """;

    private string WriteH5(string name, StoredLayer[] layers, string? kerasVersion, JObject? modelConfig = null, string? fileKerasVersion = null)
    {
        string path = Path.Combine(_dir, name);
        var spec = new JObject
        {
            ["path"] = path,
            ["keras_version"] = kerasVersion,
            ["file_keras_version"] = fileKerasVersion,
            ["model_config"] = modelConfig,
            ["layers"] = new JArray(layers.Select(l => new JObject
            {
                ["name"] = l.Name,
                ["weights"] = new JArray(l.Weights.Select(w => new JObject
                {
                    ["name"] = w.Name,
                    ["shape"] = new JArray(w.Shape),
                    ["values"] = new JArray(w.Values),
                })),
            })),
        };
        string specPath = Path.Combine(_dir, name + ".json");
        File.WriteAllText(specPath, spec.ToString());
        H5Py.RunScript(_dir, WriterScript, specPath);
        return path;
    }

    /// <summary>Values exactly representable in float32, so the float64 reference sees what the file holds.</summary>
    private static double[] Values(int seed, int count, double scale = 0.5)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (double)(float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    private static StoredWeight Weight(string name, int seed, params int[] shape) =>
        new(name, shape, Values(seed, shape.Aggregate(1, (a, b) => a * b)));

    // ---- float64 references ------------------------------------------------------------------------

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// cuDNN's matrix for gate <paramref name="gate"/>: Keras 2's cuDNN layers hand cuDNN each
    /// gate block of the stored (rows, gates·u) kernel flattened in row-major order, which cuDNN
    /// reads as a (u, rows) row-major matrix W (pre-activation = W·input).
    /// </summary>
    private static double CudnnMatrix(StoredWeight kernel, int gate, int units, int i, int j)
    {
        int rows = kernel.Shape[0], cols = kernel.Shape[1];
        int flat = i * rows + j; // W[i, j] in the block's own row-major order
        return kernel.Values[(flat / units) * cols + gate * units + flat % units];
    }

    /// <summary>The cuDNN LSTM (gates i, f, c, o; input and recurrent biases) over a (batch, time, in) input.</summary>
    private static double[] CudnnLstmReference(double[] x, int batch, int time, int inDim, int units, StoredWeight kernel, StoredWeight recurrent, StoredWeight bias)
    {
        var output = new double[batch * time * units];
        for (int b = 0; b < batch; b++)
        {
            var h = new double[units];
            var c = new double[units];
            for (int t = 0; t < time; t++)
            {
                var pre = new double[4, units];
                for (int g = 0; g < 4; g++)
                {
                    for (int i = 0; i < units; i++)
                    {
                        double s = bias.Values[g * units + i] + bias.Values[4 * units + g * units + i];
                        for (int j = 0; j < inDim; j++) s += CudnnMatrix(kernel, g, units, i, j) * x[(b * time + t) * inDim + j];
                        for (int j = 0; j < units; j++) s += CudnnMatrix(recurrent, g, units, i, j) * h[j];
                        pre[g, i] = s;
                    }
                }
                for (int i = 0; i < units; i++)
                {
                    c[i] = Sigmoid(pre[1, i]) * c[i] + Sigmoid(pre[0, i]) * Math.Tanh(pre[2, i]);
                    h[i] = Sigmoid(pre[3, i]) * Math.Tanh(c[i]);
                    output[(b * time + t) * units + i] = h[i];
                }
            }
        }
        return output;
    }

    /// <summary>
    /// The cuDNN GRU as Keras 2's CuDNNGRU uses it (blocks z, r, h; biases: 3u input then 3u
    /// recurrent): n = tanh(W_h·x + b_Wh + r ⊙ (R_h·h + b_Rh)), h' = (1 − z) ⊙ n + z ⊙ h.
    /// </summary>
    private static double[] CudnnGruReference(double[] x, int batch, int time, int inDim, int units, StoredWeight kernel, StoredWeight recurrent, StoredWeight bias)
    {
        var output = new double[batch * time * units];
        for (int b = 0; b < batch; b++)
        {
            var h = new double[units];
            for (int t = 0; t < time; t++)
            {
                var inPart = new double[3, units];
                var recPart = new double[3, units];
                for (int g = 0; g < 3; g++)
                {
                    for (int i = 0; i < units; i++)
                    {
                        double si = bias.Values[g * units + i], sr = bias.Values[3 * units + g * units + i];
                        for (int j = 0; j < inDim; j++) si += CudnnMatrix(kernel, g, units, i, j) * x[(b * time + t) * inDim + j];
                        for (int j = 0; j < units; j++) sr += CudnnMatrix(recurrent, g, units, i, j) * h[j];
                        inPart[g, i] = si;
                        recPart[g, i] = sr;
                    }
                }
                var next = new double[units];
                for (int i = 0; i < units; i++)
                {
                    double z = Sigmoid(inPart[0, i] + recPart[0, i]);
                    double r = Sigmoid(inPart[1, i] + recPart[1, i]);
                    double n = Math.Tanh(inPart[2, i] + r * recPart[2, i]);
                    next[i] = (1 - z) * n + z * h[i];
                    output[(b * time + t) * units + i] = next[i];
                }
                h = next;
            }
        }
        return output;
    }

    private static Tensor Input(double[] x, params int[] shape) => Tensor.FromArray(x.Select(v => (float)v).ToArray(), new Shape(shape));

    private static JObject Keras2Sequential(int time, int inDim, JObject rnn) => new()
    {
        ["class_name"] = "Sequential",
        ["config"] = new JObject
        {
            ["name"] = "sequential",
            ["layers"] = new JArray
            {
                new JObject
                {
                    ["class_name"] = "InputLayer",
                    ["config"] = new JObject
                    {
                        ["batch_input_shape"] = new JArray(JValue.CreateNull(), time, inDim),
                        ["dtype"] = "float32", ["sparse"] = false, ["ragged"] = false, ["name"] = "input_1",
                    },
                },
                rnn,
            },
        },
    };

    /// <summary>A CuDNNLSTM/CuDNNGRU config as tf.keras 2 writes it (no activations, no use_bias, no dropout).</summary>
    private static JObject CudnnConfig(string className, string name, int units) => new()
    {
        ["class_name"] = className,
        ["config"] = new JObject
        {
            ["name"] = name, ["trainable"] = true, ["dtype"] = "float32",
            ["return_sequences"] = true, ["return_state"] = false, ["go_backwards"] = false, ["stateful"] = false, ["time_major"] = false,
            ["units"] = units,
            ["kernel_initializer"] = new JObject { ["class_name"] = "GlorotUniform", ["config"] = new JObject { ["seed"] = null } },
            ["recurrent_initializer"] = new JObject { ["class_name"] = "Orthogonal", ["config"] = new JObject { ["gain"] = 1.0, ["seed"] = null } },
            ["bias_initializer"] = new JObject { ["class_name"] = "Zeros", ["config"] = new JObject() },
            ["unit_forget_bias"] = true,
            ["kernel_regularizer"] = null, ["recurrent_regularizer"] = null, ["bias_regularizer"] = null, ["activity_regularizer"] = null,
            ["kernel_constraint"] = null, ["recurrent_constraint"] = null, ["bias_constraint"] = null,
        },
    };

    // ---- cuDNN layers ------------------------------------------------------------------------------

    [Test]
    public void LoadModel_Keras2CudnnLstm_BecomesLstmAndMatchesCudnnFormula()
    {
        const int batch = 2, time = 4, inDim = 3, units = 5;
        var kernel = Weight("cu_dnnlstm/kernel:0", 1, inDim, 4 * units);
        var recurrent = Weight("cu_dnnlstm/recurrent_kernel:0", 2, units, 4 * units);
        var bias = Weight("cu_dnnlstm/bias:0", 3, 8 * units);
        string path = WriteH5("cudnn_lstm.h5", [new StoredLayer("cu_dnnlstm", [kernel, recurrent, bias])], "2.4.0",
            Keras2Sequential(time, inDim, CudnnConfig("CuDNNLSTM", "cu_dnnlstm", units)));

        var model = KerasModels.LoadModel(path);

        Assert.That(model.Layers[0], Is.TypeOf<LSTM>());
        Assert.That(model.Layers[0].Name, Is.EqualTo("cu_dnnlstm"));
        var x = Values(4, batch * time * inDim, scale: 1.0);
        var got = model.Predict(Input(x, batch, time, inDim)).ToArray();
        var want = CudnnLstmReference(x, batch, time, inDim, units, kernel, recurrent, bias);
        KerasTestUtil.AssertClose(got, want, atol: 1e-5, rtol: 0);
    }

    [Test]
    public void LoadModel_Keras2CudnnGru_BecomesResetAfterGruAndMatchesCudnnFormula()
    {
        const int batch = 2, time = 3, inDim = 4, units = 3;
        var kernel = Weight("cu_dnngru/kernel:0", 11, inDim, 3 * units);
        var recurrent = Weight("cu_dnngru/recurrent_kernel:0", 12, units, 3 * units);
        var bias = Weight("cu_dnngru/bias:0", 13, 6 * units);
        string path = WriteH5("cudnn_gru.h5", [new StoredLayer("cu_dnngru", [kernel, recurrent, bias])], "2.4.0",
            Keras2Sequential(time, inDim, CudnnConfig("CuDNNGRU", "cu_dnngru", units)));

        var model = KerasModels.LoadModel(path);

        var gru = model.Layers[0] as GRU;
        Assert.That(gru, Is.Not.Null, "a CuDNNGRU loads as a GRU");
        Assert.That(((GRUCell)gru!.Cell).ResetAfter, Is.True);
        Assert.That(gru.GetConfig().Value<string>("recurrent_activation"), Is.EqualTo("sigmoid"));
        var x = Values(14, batch * time * inDim, scale: 1.0);
        var got = model.Predict(Input(x, batch, time, inDim)).ToArray();
        var want = CudnnGruReference(x, batch, time, inDim, units, kernel, recurrent, bias);
        KerasTestUtil.AssertClose(got, want, atol: 1e-5, rtol: 0);
    }

    [Test]
    public void LoadWeights_CudnnLstmWeightsIntoPlainLstm_MatchesCudnnFormula()
    {
        const int batch = 3, time = 2, inDim = 2, units = 4;
        var kernel = Weight("lstm/kernel:0", 21, inDim, 4 * units);
        var recurrent = Weight("lstm/recurrent_kernel:0", 22, units, 4 * units);
        var bias = Weight("lstm/bias:0", 23, 8 * units);
        string path = WriteH5("cudnn_weights.h5", [new StoredLayer("lstm", [kernel, recurrent, bias])], "2.4.0");
        var model = new Sequential(name: "plain");
        model.Add(KerasApi.Input([time, inDim]));
        model.Add(new LSTM(units, returnSequences: true, name: "lstm"));

        model.LoadWeights(path);

        var x = Values(24, batch * time * inDim, scale: 1.0);
        var got = model.Predict(Input(x, batch, time, inDim)).ToArray();
        KerasTestUtil.AssertClose(got, CudnnLstmReference(x, batch, time, inDim, units, kernel, recurrent, bias), atol: 1e-5, rtol: 0);
    }

    [Test]
    public void LoadModel_Keras2BidirectionalCudnnLstm_ConvertsBothDirections()
    {
        const int batch = 2, time = 3, inDim = 2, units = 3;
        var fk = Weight("bidirectional/forward_cu_dnnlstm/kernel:0", 81, inDim, 4 * units);
        var fr = Weight("bidirectional/forward_cu_dnnlstm/recurrent_kernel:0", 82, units, 4 * units);
        var fb = Weight("bidirectional/forward_cu_dnnlstm/bias:0", 83, 8 * units);
        var bk = Weight("bidirectional/backward_cu_dnnlstm/kernel:0", 84, inDim, 4 * units);
        var br = Weight("bidirectional/backward_cu_dnnlstm/recurrent_kernel:0", 85, units, 4 * units);
        var bb = Weight("bidirectional/backward_cu_dnnlstm/bias:0", 86, 8 * units);
        // The whole Keras 2 model: Bidirectional(CuDNNLSTM) (the inner layer converts as well).
        var inner = CudnnConfig("CuDNNLSTM", "cu_dnnlstm", units);
        ((JObject)inner["config"]!)["return_sequences"] = false;
        var wrapper = new JObject
        {
            ["class_name"] = "Bidirectional",
            ["config"] = new JObject { ["name"] = "bidirectional", ["trainable"] = true, ["dtype"] = "float32", ["layer"] = inner, ["merge_mode"] = "concat" },
        };
        string path = WriteH5("cudnn_bidirectional.h5", [new StoredLayer("bidirectional", [fk, fr, fb, bk, br, bb])], "2.4.0",
            Keras2Sequential(time, inDim, wrapper));

        var model = KerasModels.LoadModel(path);

        var x = Values(87, batch * time * inDim, scale: 1.0);
        var reversed = new double[x.Length];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++) Array.Copy(x, (b * time + t) * inDim, reversed, (b * time + time - 1 - t) * inDim, inDim);
        }
        var forward = CudnnLstmReference(x, batch, time, inDim, units, fk, fr, fb);
        var backward = CudnnLstmReference(reversed, batch, time, inDim, units, bk, br, bb);
        // merge_mode concat of each direction's last state
        var want = new double[batch * 2 * units];
        for (int b = 0; b < batch; b++)
        {
            Array.Copy(forward, (b * time + time - 1) * units, want, b * 2 * units, units);
            Array.Copy(backward, (b * time + time - 1) * units, want, b * 2 * units + units, units);
        }
        var got = model.Predict(Input(x, batch, time, inDim)).ToArray();
        KerasTestUtil.AssertClose(got, want, atol: 1e-5, rtol: 0);
    }

    [Test]
    public void LoadWeights_CudnnGruWeightsIntoResetBeforeGru_ThrowsNamingBothKindsAndLeavesModelUntouched()
    {
        const int inDim = 2, units = 3;
        string path = WriteH5("cudnn_gru_weights.h5",
            [new StoredLayer("gru", [Weight("gru/kernel:0", 31, inDim, 3 * units), Weight("gru/recurrent_kernel:0", 32, units, 3 * units), Weight("gru/bias:0", 33, 6 * units)])],
            "2.4.0");
        var model = new Sequential(name: "plain");
        model.Add(KerasApi.Input([5, inDim]));
        model.Add(new GRU(units, resetAfter: false, name: "gru"));
        var before = model.Weights.Select(w => w.ToArray()).ToArray();

        var e = Assert.Throws<KerasFileException>(() => model.LoadWeights(path));

        Assert.That(e!.Message, Does.Contain("CuDNNGRU").And.Contain("GRU(reset_after=False)").And.Contain("'gru'"));
        for (int i = 0; i < before.Length; i++) Assert.That(model.Weights[i].ToArray(), Is.EqualTo(before[i]));
    }

    // ---- Keras 1 ----------------------------------------------------------------------------------

    // Keras 1 order of the twelve arrays of an LSTM: i, c, f, o, each as W (in, u), U (u, u), b (u).
    private static readonly string[] s_keras1Gates = ["i", "c", "f", "o"];

    private static StoredWeight[] Keras1LstmWeights(string layer, int inDim, int units)
    {
        var stored = new List<StoredWeight>();
        for (int g = 0; g < 4; g++)
        {
            stored.Add(Weight($"{layer}_W_{s_keras1Gates[g]}", 40 + 3 * g, inDim, units));
            stored.Add(Weight($"{layer}_U_{s_keras1Gates[g]}", 41 + 3 * g, units, units));
            stored.Add(Weight($"{layer}_b_{s_keras1Gates[g]}", 42 + 3 * g, units));
        }
        return stored.ToArray();
    }

    /// <summary>The LSTM formula with each gate's own W, U, b (x·W + h·U + b), every output step.</summary>
    private static double[] Keras1LstmReference(StoredWeight[] stored, double[] x, int batch, int time, int inDim, int units)
    {
        StoredWeight W(string gate) => stored[Array.IndexOf(s_keras1Gates, gate) * 3];
        StoredWeight U(string gate) => stored[Array.IndexOf(s_keras1Gates, gate) * 3 + 1];
        StoredWeight B(string gate) => stored[Array.IndexOf(s_keras1Gates, gate) * 3 + 2];
        var want = new double[batch * time * units];
        for (int b = 0; b < batch; b++)
        {
            var h = new double[units];
            var c = new double[units];
            for (int t = 0; t < time; t++)
            {
                double Pre(string gate, int k)
                {
                    double s = B(gate).Values[k];
                    for (int j = 0; j < inDim; j++) s += x[(b * time + t) * inDim + j] * W(gate).Values[j * units + k];
                    for (int j = 0; j < units; j++) s += h[j] * U(gate).Values[j * units + k];
                    return s;
                }
                var pre = s_keras1Gates.ToDictionary(g => g, g => Enumerable.Range(0, units).Select(k => Pre(g, k)).ToArray());
                for (int k = 0; k < units; k++)
                {
                    c[k] = Sigmoid(pre["f"][k]) * c[k] + Sigmoid(pre["i"][k]) * Math.Tanh(pre["c"][k]);
                    h[k] = Sigmoid(pre["o"][k]) * Math.Tanh(c[k]);
                    want[(b * time + t) * units + k] = h[k];
                }
            }
        }
        return want;
    }

    [Test]
    public void LoadWeights_Keras1PerGateLstmWeights_AreConcatenatedInKeras2GateOrder()
    {
        const int batch = 2, time = 3, inDim = 2, units = 3;
        var stored = Keras1LstmWeights("lstm_1", inDim, units);
        string path = WriteH5("keras1_lstm.h5", [new StoredLayer("lstm_1", stored)], kerasVersion: null);
        var model = new Sequential(name: "k1");
        model.Add(KerasApi.Input([time, inDim]));
        model.Add(new LSTM(units, returnSequences: true, name: "lstm_1"));

        model.LoadWeights(path);

        var x = Values(50, batch * time * inDim, scale: 1.0);
        var got = model.Predict(Input(x, batch, time, inDim)).ToArray();
        KerasTestUtil.AssertClose(got, Keras1LstmReference(stored, x, batch, time, inDim, units), atol: 1e-5, rtol: 0);
    }

    [Test]
    public void LoadModel_Keras1File_ReadsItsConfigAndPerGateWeights()
    {
        // A whole Keras 1.2.2 model file: the model_config in Keras 1's form (a Sequential config
        // that is a bare list, Keras 1 argument names, see Keras1ConfigTests) and per-gate weights.
        const int batch = 2, time = 3, inDim = 2, units = 3;
        var stored = Keras1LstmWeights("lstm_1", inDim, units);
        var lstm = new JObject
        {
            ["class_name"] = "LSTM",
            ["config"] = new JObject
            {
                ["name"] = "lstm_1", ["trainable"] = true, ["batch_input_shape"] = new JArray(JValue.CreateNull(), time, inDim), ["input_dtype"] = "float32",
                ["return_sequences"] = true, ["go_backwards"] = false, ["stateful"] = false, ["unroll"] = false, ["consume_less"] = "cpu",
                ["input_dim"] = inDim, ["input_length"] = time, ["output_dim"] = units, ["init"] = "glorot_uniform", ["inner_init"] = "orthogonal",
                ["forget_bias_init"] = "one", ["activation"] = "tanh", ["inner_activation"] = "sigmoid", ["W_regularizer"] = null,
                ["U_regularizer"] = null, ["b_regularizer"] = null, ["dropout_W"] = 0.0, ["dropout_U"] = 0.0,
            },
        };
        var modelConfig = new JObject { ["class_name"] = "Sequential", ["config"] = new JArray(lstm) };
        // Keras 1.2 wrote keras_version on the file, not on its model_weights group.
        string path = WriteH5("keras1_model.h5", [new StoredLayer("lstm_1", stored)], kerasVersion: null, modelConfig, fileKerasVersion: "1.2.2");

        var model = KerasModels.LoadModel(path);

        Assert.That(model.GetLayer("lstm_1"), Is.InstanceOf<LSTM>());
        var x = Values(50, batch * time * inDim, scale: 1.0);
        var got = model.Predict(Input(x, batch, time, inDim)).ToArray();
        KerasTestUtil.AssertClose(got, Keras1LstmReference(stored, x, batch, time, inDim, units), atol: 1e-5, rtol: 0);
    }

    [Test]
    public void LoadWeights_Keras1Conv1DKernelWithDummyAxis_IsSqueezed()
    {
        const int batch = 2, length = 6, inDim = 3, filters = 2, k = 3;
        // Keras 1 stored Conv1D kernels as (k, 1, in, filters).
        var kernel = Weight("conv1d_1_W", 60, k, 1, inDim, filters);
        var bias = Weight("conv1d_1_b", 61, filters);
        string path = WriteH5("keras1_conv1d.h5", [new StoredLayer("conv1d_1", [kernel, bias])], kerasVersion: null);
        var model = new Sequential(name: "k1conv");
        model.Add(KerasApi.Input([length, inDim]));
        model.Add(new Conv1D(filters, [k], name: "conv1d_1"));

        model.LoadWeights(path);

        var x = Values(62, batch * length * inDim, scale: 1.0);
        int outLength = length - k + 1;
        var want = new double[batch * outLength * filters];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < outLength; t++)
            {
                for (int f = 0; f < filters; f++)
                {
                    double s = bias.Values[f];
                    for (int dk = 0; dk < k; dk++)
                    {
                        for (int c = 0; c < inDim; c++) s += x[(b * length + t + dk) * inDim + c] * kernel.Values[(dk * inDim + c) * filters + f];
                    }
                    want[(b * outLength + t) * filters + f] = s;
                }
            }
        }
        var got = model.Predict(Input(x, batch, length, inDim)).ToArray();
        KerasTestUtil.AssertClose(got, want, atol: 1e-5, rtol: 0);
    }

    [Test]
    public void LoadWeights_Keras2FileWithKeras1Shapes_IsNotConverted()
    {
        // keras_version present (2.x): a (k, 1, in, filters) kernel is a plain shape mismatch.
        string path = WriteH5("keras2_conv1d.h5", [new StoredLayer("conv1d_1", [Weight("conv1d_1/kernel:0", 70, 3, 1, 3, 2), Weight("conv1d_1/bias:0", 71, 2)])], "2.4.0");
        var model = new Sequential(name: "k2conv");
        model.Add(KerasApi.Input([6, 3]));
        model.Add(new Conv1D(2, [3], name: "conv1d_1"));

        var e = Assert.Throws<KerasFileException>(() => model.LoadWeights(path));

        Assert.That(e!.Message, Does.Contain("(3, 3, 2)").And.Contain("(3, 1, 3, 2)"));
    }
}
