using System.IO.Compression;
using DeepNet.Keras;
using DeepNet.Keras.Saving;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Damaged files and nonsense JSON end in <see cref="KerasFileException"/> (or, for damage that
/// only touches weight values, a normal load), never another exception, a crash or a hang; a
/// failed LoadWeights leaves the model as it was. The real fixture files are copied to a temp
/// folder and truncated, bit-flipped and shuffled there.
/// </summary>
public class CorruptFileTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-corrupt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Truncations, single bit flips and block shuffles of <paramref name="original"/>, seeded.</summary>
    private static IEnumerable<(string What, byte[] Bytes)> Damaged(byte[] original, int seed, int flips)
    {
        foreach (long cut in new long[] { 0, 7, 100, 600, original.Length / 4, original.Length / 2, original.Length - 100, original.Length - 1 })
        {
            if (cut >= 0 && cut < original.Length) yield return ($"truncated to {cut} bytes", original.AsSpan(0, (int)cut).ToArray());
        }
        var rng = new Random(seed);
        for (int i = 0; i < flips; i++)
        {
            // Bias half the flips towards the first 4 KiB, where the HDF5 superblock and headers live.
            int position = i % 2 == 0 ? rng.Next(Math.Min(4096, original.Length)) : rng.Next(original.Length);
            int bit = rng.Next(8);
            var copy = (byte[])original.Clone();
            copy[position] ^= (byte)(1 << bit);
            yield return ($"bit {bit} of byte {position} flipped", copy);
        }
        for (int s = 0; s < 3; s++)
        {
            int blocks = 8;
            int size = original.Length / blocks;
            var order = Enumerable.Range(0, blocks).OrderBy(_ => rng.Next()).ToArray();
            var copy = new byte[original.Length];
            for (int b = 0; b < blocks; b++) Array.Copy(original, order[b] * size, copy, b * size, size);
            Array.Copy(original, blocks * size, copy, blocks * size, original.Length - blocks * size);
            yield return ($"blocks shuffled as [{string.Join(",", order)}]", copy);
        }
    }

    /// <summary>Runs <paramref name="load"/> on each damaged copy; only success or KerasFileException may come out, in time.</summary>
    private void CheckAll(string fixture, string suffix, Action<string> load, int flips = 24, Action? afterFailure = null)
    {
        var original = File.ReadAllBytes(fixture);
        int failures = 0, n = 0;
        foreach (var (what, bytes) in Damaged(original, seed: original.Length, flips))
        {
            string path = Path.Combine(_dir, $"case{n++}{suffix}");
            File.WriteAllBytes(path, bytes);
            var task = Task.Run(() => load(path));
            bool finished;
            try
            {
                finished = task.Wait(s_limit);
            }
            catch (AggregateException e) when (e.InnerException is KerasFileException k)
            {
                failures++;
                Assert.That(k.Message, Does.Contain(path), $"{what}: the message names the file");
                afterFailure?.Invoke();
                continue;
            }
            catch (AggregateException e)
            {
                Assert.Fail($"{Path.GetFileName(fixture)} with {what}: {e.InnerException!.GetType().Name} instead of KerasFileException: {e.InnerException}");
                return;
            }
            Assert.That(finished, Is.True, $"{Path.GetFileName(fixture)} with {what}: no answer in {s_limit.TotalSeconds} s");
        }
        Assert.That(failures, Is.GreaterThan(0), "at least the truncated copies must fail");
    }

    [Test]
    public void LoadModel_DamagedKeras2FullModelH5_ThrowsKerasFileExceptionOrLoads()
    {
        string fixture = KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5");
        KerasFixtures.RequireLayers("Conv2D", "MaxPooling2D");
        CheckAll(fixture, ".hdf5", p => KerasModels.LoadModel(p));
    }

    [Test]
    public void LoadModel_DamagedKerasArchive_ThrowsKerasFileExceptionOrLoads()
    {
        string fixture = KerasFixtures.Require("ibukye_resnet_mnist", "resnet_mnist.keras");
        KerasFixtures.RequireLayers("Conv2D", "BatchNormalization", "GlobalAveragePooling2D");
        CheckAll(fixture, ".keras", p => KerasModels.LoadModel(p), flips: 16);
    }

    [Test]
    public void LoadWeights_DamagedWeightsOnlyH5_ThrowsKerasFileExceptionAndLeavesModelUntouched()
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        string fixture = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5");
        KerasFixtures.RequireLayers("BatchNormalization");
        var model = KerasModels.ModelFromJson(File.ReadAllText(json));
        SavingRoundTripTests.Randomize(model, 5);
        var before = model.GetWeightArrays();
        void Untouched()
        {
            var now = model.GetWeightArrays();
            for (int i = 0; i < now.Length; i++) Assert.That(now[i], Is.EqualTo(before[i]), $"weight {i} changed by a failed load");
        }
        CheckAll(fixture, ".h5", p =>
        {
            try
            {
                model.LoadWeights(p);
            }
            finally
            {
                // A successful load of flipped data changes weights; restore the reference state.
                model.SetWeights(before);
            }
        }, afterFailure: Untouched);
    }

    [Test]
    public void LoadModel_DamagedFilesWrittenHere_ThrowKerasFileExceptionOrLoad()
    {
        var model = SavingRoundTripTests.SequentialMlp();
        foreach (var name in new[] { "m.h5", "m.keras", "m.weights.h5" })
        {
            string path = Path.Combine(_dir, "src-" + name);
            if (name == "m.weights.h5") model.SaveWeights(path); else model.Save(path);
            string suffix = name[1..];
            if (name == "m.weights.h5") CheckAll(path, suffix, p => model.LoadWeights(p), flips: 16);
            else CheckAll(path, suffix, p => KerasModels.LoadModel(p), flips: 16);
        }
    }

    [Test]
    public void LoadModel_NotAKerasFile_ThrowsNamingTheFile()
    {
        string path = Path.Combine(_dir, "notes.h5");
        File.WriteAllText(path, "just some text, not HDF5");
        var e = Assert.Throws<KerasFileException>(() => KerasModels.LoadModel(path))!;
        Assert.That(e.Message, Does.Contain(path));
        Assert.Throws<FileNotFoundException>(() => KerasModels.LoadModel(Path.Combine(_dir, "missing.keras")));
    }

    [Test]
    public void LoadModel_WeightsOnlyH5_SaysToUseModelFromJsonAndLoadWeights()
    {
        string path = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5");
        var e = Assert.Throws<KerasFileException>(() => KerasModels.LoadModel(path))!;
        Assert.That(e.Message, Does.Contain("weights only").And.Contain("LoadWeights"));
    }

    [Test]
    public void LoadModel_ArchiveEntryEscapingItsFolder_IsRejected()
    {
        var model = SavingRoundTripTests.SequentialMlp();
        string good = Path.Combine(_dir, "good.keras");
        model.Save(good);
        string evil = Path.Combine(_dir, "evil.keras");
        File.Copy(good, evil);
        using (var zip = ZipFile.Open(evil, ZipArchiveMode.Update))
        {
            using var s = zip.CreateEntry("../../escaped.txt").Open();
            s.Write("x"u8);
        }
        var e = Assert.Throws<KerasFileException>(() => KerasModels.LoadModel(evil))!;
        Assert.That(e.Message, Does.Contain("escape").And.Contain("../../escaped.txt"));
        Assert.That(File.Exists(Path.Combine(_dir, "..", "escaped.txt")), Is.False);
    }

    [Test]
    public void LoadModel_ArchiveWithoutWeights_ThrowsNamingTheMissingMember()
    {
        string path = Path.Combine(_dir, "empty.keras");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("config.json").Open();
            s.Write("{}"u8);
        }
        var e = Assert.Throws<KerasFileException>(() => KerasModels.LoadModel(path))!;
        Assert.That(e.Message, Does.Contain("model.weights.h5"));
    }

    [TestCase("")]
    [TestCase("null")]
    [TestCase("[]")]
    [TestCase("{")]
    [TestCase("{\"class_name\": 5}")]
    [TestCase("{\"class_name\": \"Dense\", \"config\": {\"units\": 3}}")]
    [TestCase("{\"class_name\": \"Sequential\", \"config\": 7}")]
    [TestCase("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [5]}}")]
    [TestCase("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"units\": \"many\"}}]}}")]
    [TestCase("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"units\": -4, \"batch_input_shape\": [null, 3]}}]}}")]
    [TestCase("{\"class_name\": \"Functional\", \"config\": {\"layers\": [], \"input_layers\": [], \"output_layers\": []}}")]
    [TestCase("{\"class_name\": \"Functional\", \"config\": {\"layers\": [{\"class_name\": \"InputLayer\", \"name\": \"i\", \"config\": {\"batch_shape\": [null, 2], \"name\": \"i\"}, \"inbound_nodes\": []}], \"input_layers\": [\"i\", 0, 0], \"output_layers\": [\"nowhere\", 0, 0]}}")]
    [TestCase("{\"class_name\": \"Functional\", \"config\": {\"layers\": [{\"class_name\": \"InputLayer\", \"name\": \"i\", \"config\": {\"batch_shape\": [null, 2], \"name\": \"i\"}, \"inbound_nodes\": []}, {\"class_name\": \"Dense\", \"name\": \"a\", \"config\": {\"name\": \"a\", \"units\": 2}, \"inbound_nodes\": [[[\"b\", 0, 0, {}]]]}, {\"class_name\": \"Dense\", \"name\": \"b\", \"config\": {\"name\": \"b\", \"units\": 2}, \"inbound_nodes\": [[[\"a\", 0, 0, {}]]]}], \"input_layers\": [[\"i\", 0, 0]], \"output_layers\": [[\"b\", 0, 0]]}}")]
    public void ModelFromJson_Nonsense_ThrowsKerasFileException(string json)
    {
        Assert.Throws(Is.InstanceOf<KerasFileException>(), () => KerasModels.ModelFromJson(json));
    }

    [Test]
    public void ModelFromJson_DeeplyNested_ThrowsKerasFileException()
    {
        string json = new string('[', 100_000) + new string(']', 100_000);
        Assert.Throws(Is.InstanceOf<KerasFileException>(), () => KerasModels.ModelFromJson(json));
    }

    [Test]
    public void ModelFromJson_DotNetTypeNamesAsClassNames_AreUnsupportedLayersNotTypes()
    {
        const string json = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [" +
            "{\"class_name\": \"System.Diagnostics.Process\", \"config\": {}}, {\"$type\": \"System.IO.File\", \"class_name\": \"Lambda\", \"config\": {}}, " +
            "{\"class_name\": \"Dense\", \"config\": {\"units\": 2}}]}}";
        var e = Assert.Throws<UnsupportedLayersException>(() => KerasModels.ModelFromJson(json))!;
        // Lambda is a known class ("$type" is ignored); it would still need its function registered.
        Assert.That(e.ClassNames, Is.EqualTo(new[] { "System.Diagnostics.Process" }));
    }

    /// <summary>
    /// Rewrites the dimension of the first attribute named <paramref name="name"/> (an h5py
    /// version-1 attribute message with a version-1 dataspace, as in the Keras 2 fixtures).
    /// </summary>
    private static byte[] WithAttributeDimension(byte[] file, string name, ulong dimension)
    {
        var bytes = (byte[])file.Clone();
        int at = bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(name + "\0"));
        Assert.That(at, Is.GreaterThanOrEqualTo(8), $"attribute {name} not found");
        int header = at - 8;
        Assert.That(bytes[header], Is.EqualTo(1), "attribute message version 1");
        static int Pad8(int n) => (n + 7) / 8 * 8;
        int nameSize = BitConverter.ToUInt16(bytes, header + 2);
        int typeSize = BitConverter.ToUInt16(bytes, header + 4);
        int space = at + Pad8(nameSize) + Pad8(typeSize);
        Assert.That(bytes[space], Is.EqualTo(1), "dataspace message version 1");
        Assert.That(bytes[space + 1], Is.EqualTo(1), "rank 1");
        BitConverter.GetBytes(dimension).CopyTo(bytes, space + 8);
        if ((bytes[space + 2] & 1) != 0) BitConverter.GetBytes(dimension).CopyTo(bytes, space + 16); // maximum dimension
        return bytes;
    }

    [TestCase(1UL << 40)]
    [TestCase(ulong.MaxValue / 2)]
    public void LoadWeights_AttributeClaimingHugeDataspace_ThrowsBeforeAllocating(ulong dimension)
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        string fixture = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5");
        KerasFixtures.RequireLayers("BatchNormalization");
        var model = KerasModels.ModelFromJson(File.ReadAllText(json));
        string path = Path.Combine(_dir, "huge.h5");
        File.WriteAllBytes(path, WithAttributeDimension(File.ReadAllBytes(fixture), "layer_names", dimension));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<KerasFileException>(() => model.LoadWeights(path))!;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e.Message, Does.Contain(path));
        // (Sizes near 2^64 already overflow inside PureHDF, which the load reports as a corrupt file.)
        if (dimension == 1UL << 40) Assert.That(e.Message, Does.Contain("layer_names").And.Contain("dataspace"));
        Assert.That(allocated, Is.LessThan(64L << 20), "a corrupt size must not make the reader allocate from it");
    }
}
