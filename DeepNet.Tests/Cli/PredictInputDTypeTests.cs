using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Numpy;
using static DeepNet.Tests.Keras.Layers.RecurrentReference;

namespace DeepNet.Tests.Cli;

/// <summary>
/// <c>deepnet predict</c> feeds uint8 and bool .npy files to models whose inputs have those
/// Keras dtypes: uint8 token ids through an Embedding and a bool padding mask given to an LSTM's
/// <c>mask=</c>, checked against a float64 reference.
/// </summary>
public class PredictInputDTypeTests
{
    private const int B = 3, T = 5, Vocab = 9, Dim = 4, U = 3;

    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp()
    {
        KerasSession.ClearSession();
        _temp = new TempFolder();
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static double[] Doubles(int seed, int n)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
    }

    private static float[] F(double[] v) => v.Select(d => (float)d).ToArray();

    private static readonly byte[] Ids = [3, 1, 8, 0, 0, 5, 5, 2, 7, 0, 1, 2, 3, 4, 6];
    private static readonly bool[] Keep = Ids.Select(i => i != 0).ToArray();
    private static readonly double[] Table = Doubles(1, Vocab * Dim);
    private static readonly double[][] LstmW = [Doubles(2, Dim * 4 * U), Doubles(3, U * 4 * U), Doubles(4, 4 * U)];

    /// <summary>ids (uint8) → Embedding → LSTM(mask=keep (bool)), saved as a .keras file.</summary>
    private string SavedModel()
    {
        var ids = KerasApi.Input([T], name: "ids", dtype: "uint8");
        var keep = KerasApi.Input([T], name: "keep", dtype: "bool");
        var embedding = new Embedding(Vocab, Dim, name: "embedding");
        var lstm = new LSTM(U, name: "lstm");
        var model = new Model([ids, keep], [lstm.ApplyMasked([embedding.Apply(ids)], keep)[0]]);
        embedding.SetWeights(new[] { F(Table) });
        lstm.SetWeights(LstmW.Select(F).ToArray());
        string path = _temp.File("masked_tokens.keras");
        model.Save(path);
        return path;
    }

    private static double[] Reference()
    {
        var x = new double[B * T * Dim];
        for (int i = 0; i < B * T; i++)
        {
            for (int d = 0; d < Dim; d++) x[i * Dim + d] = Table[Ids[i] * Dim + d];
        }
        var mask = Keep.Select(k => k ? 1.0 : 0.0).ToArray();
        return Run(Kind.Lstm, x, B, T, Dim, U, LstmW[0], LstmW[1], LstmW[2], mask: mask).States[0];
    }

    [Test]
    public void Predict_Uint8IdsAndBoolMaskNpy_MatchesFloat64Reference()
    {
        string model = SavedModel();
        string ids = _temp.File("ids.npy"), keep = _temp.File("keep.npy"), output = _temp.File("out");
        Npy.Write(ids, NpyArray.Create(Ids, new Shape(B, T)));
        Npy.Write(keep, NpyArray.Create(Keep, new Shape(B, T)));
        Assert.That(Npy.Read(ids).Descr, Is.EqualTo("|u1"));
        Assert.That(Npy.Read(keep).Descr, Is.EqualTo("|b1"));

        CliRun.RunOk("predict", model, "--input", ids, "--input", keep, "--output-dir", output);

        using var y = Npy.Load(Path.Combine(output, "output_0.npy"));
        Assert.That(y.Shape, Is.EqualTo(new Shape(B, U)));
        Assert.That(y.ToArray(), Is.EqualTo(F(Reference())).Within(1e-5f));
    }

    [Test]
    public void Predict_WrongInputCount_NamesTheInputsWithTheirKerasDTypes()
    {
        string model = SavedModel();
        string ids = _temp.File("ids.npy");
        Npy.Write(ids, NpyArray.Create(Ids, new Shape(B, T)));

        var result = CliRun.Run("predict", model, "--input", ids, "--output-dir", _temp.File("out"));

        CliRun.AssertUserError(result, "'ids'", "uint8", "'keep'", "bool");
    }
}
