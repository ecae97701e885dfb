using System.IO.Compression;
using DeepNet.Numpy;
using static DeepNet.Tests.Numpy.NpyTestFiles;

namespace DeepNet.Tests.Numpy;

public class NpzTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = NewTempFolder();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string TempFile(string name = "a.npz") => Path.Combine(_dir, name);

    private static Dictionary<string, NpyArray> SampleArrays() => new()
    {
        ["weights"] = NpyArray.Create(new[] { 0.5f, -1f, 2f, 3f, 4f, 5f }, new Shape(2, 3)),
        ["labels"] = NpyArray.Create(new byte[] { 7, 2, 1 }),
        ["ids"] = NpyArray.Create(new[] { 1L << 40 }, Shape.Scalar),
        ["empty"] = NpyArray.Create(Array.Empty<double>(), new Shape(0, 4)),
    };

    /// <summary>The compression method of the first member, from its zip local header (0 = stored, 8 = deflate).</summary>
    private static int FirstMemberMethod(string path) => BitConverter.ToUInt16(File.ReadAllBytes(path), 8);

    /// <summary>An archive built directly with ZipArchive, members given as name → content.</summary>
    private string BuildZip(params (string Name, byte[] Content)[] members)
    {
        string path = TempFile("built.npz");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in members)
        {
            using var s = zip.CreateEntry(name).Open();
            s.Write(content);
        }
        return path;
    }

    [TestCase(false, 0)]
    [TestCase(true, 8)]
    public void WriteRead_StoredOrCompressed_RoundTripsEveryArray(bool compressed, int method)
    {
        string path = TempFile();
        var arrays = SampleArrays();

        Npz.Write(path, arrays, compressed);
        var back = Npz.Read(path);

        Assert.That(FirstMemberMethod(path), Is.EqualTo(method), compressed ? "deflated like np.savez_compressed" : "stored like np.savez");
        Assert.That(back.Keys, Is.EquivalentTo(arrays.Keys));
        foreach (var (key, a) in arrays)
        {
            Assert.That(back[key].Descr, Is.EqualTo(a.Descr), key);
            Assert.That(back[key].Shape, Is.EqualTo(a.Shape), key);
            Assert.That(back[key].AsBytes.ToArray(), Is.EqualTo(a.AsBytes.ToArray()), key);
        }
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "no temporary file is left behind");
    }

    [Test]
    public void Write_MembersAreKeyDotNpy()
    {
        string path = TempFile();
        Npz.Write(path, SampleArrays());
        using var zip = ZipFile.OpenRead(path);
        Assert.That(zip.Entries.Select(e => e.FullName), Is.EquivalentTo(new[] { "weights.npy", "labels.npy", "ids.npy", "empty.npy" }));
    }

    [Test]
    public void SaveLoad_Tensors_RoundTripWithTypes()
    {
        string path = TempFile();
        using var x = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, new Shape(2, 2));
        using var y = Tensor.FromArray(new[] { 3, 1 });
        Npz.Save(path, new Dictionary<string, Tensor> { ["x"] = x, ["y"] = y }, compressed: true);

        var back = Npz.Load(path);
        try
        {
            Assert.That(back["x"].DType, Is.EqualTo(DType.Float32));
            Assert.That(back["x"].ToArray2D(), Is.EqualTo(new float[,] { { 1, 2 }, { 3, 4 } }));
            Assert.That(back["y"].DType, Is.EqualTo(DType.Int32));
            Assert.That(back["y"].ToArray<int>(), Is.EqualTo(new[] { 3, 1 }));
        }
        finally
        {
            foreach (var t in back.Values) t.Dispose();
        }
    }

    [Test]
    public void WriteRead_Streams_RoundTrip()
    {
        using var ms = new MemoryStream();
        Npz.Write(ms, SampleArrays());
        ms.Position = 0;
        var back = Npz.Read(ms, "memory.npz");
        Assert.That(back["weights"].ToFloat32(), Is.EqualTo(new[] { 0.5f, -1f, 2f, 3f, 4f, 5f }));
    }

    [Test]
    public void Read_MembersWithPathsOrOtherSuffixes_AreJustKeysAndNothingIsExtracted()
    {
        var npy = Build(Dict("<f4", "(1,)"), Floats(9));
        string path = BuildZip(("../escape.npy", npy), ("dir/inner.npy", npy), ("notes.txt", "hello"u8.ToArray()), ("folder/", []));

        var arrays = Npz.Read(path);

        Assert.That(arrays.Keys, Is.EquivalentTo(new[] { "../escape", "dir/inner" }));
        Assert.That(arrays["../escape"].ToFloat32(), Is.EqualTo(new[] { 9f }));
        Assert.That(File.Exists(Path.Combine(_dir, "..", "escape.npy")), Is.False);
        Assert.That(Directory.GetFileSystemEntries(_dir), Has.Length.EqualTo(1), "only the archive itself");
    }

    [TestCase("../x")]
    [TestCase("a/b")]
    [TestCase("a\\b")]
    [TestCase("..")]
    [TestCase(".")]
    [TestCase("")]
    [TestCase("bad\nname")]
    public void Write_UnsafeKey_IsRejectedAndNoFileIsCreated(string key)
    {
        string path = TempFile();
        var arrays = new Dictionary<string, NpyArray> { ["fine"] = NpyArray.Create(new[] { 1f }), [key] = NpyArray.Create(new[] { 2f }) };
        var e = Assert.Throws<ArgumentException>(() => Npz.Write(path, arrays));
        Assert.That(e!.Message, Does.Contain($"'{key}'"));
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public void Write_FailingMidway_LeavesTheExistingFileUntouched()
    {
        string path = TempFile();
        Npz.Write(path, SampleArrays());
        var before = File.ReadAllBytes(path);

        // The second array is missing, which is only noticed while the archive is being written.
        var broken = new List<KeyValuePair<string, NpyArray>> { new("a", NpyArray.Create(new[] { 1f })), new("b", null!) };
        Assert.Throws<ArgumentNullException>(() => Npz.Write(path, broken));

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "the temporary file was removed");
    }

    [Test]
    public void Read_NotAZip_ThrowsNamingTheFile()
    {
        string path = TempFile();
        File.WriteAllBytes(path, Build(Dict("<f4", "(1,)"), Floats(1)));
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.StartWith(path).And.Contain("zip"));
    }

    [Test]
    public void Read_CorruptMember_NamesFileAndMember()
    {
        string path = BuildZip(("good.npy", Build(Dict("<f4", "(1,)"), Floats(1))), ("bad.npy", "not numpy at all"u8.ToArray()));
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.StartWith($"{path} member 'bad.npy': ").And.Contain("not a .npy file"));
    }

    [Test]
    public void Read_MemberClaimingHugeShape_ThrowsWithoutAllocating()
    {
        string path = BuildZip(("x.npy", Build(Dict("<f4", "(1000000000, 1000000000)"), Floats(1))));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.Contain("member 'x.npy'").And.Contain("shorter"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [Test]
    public void Read_MemberDeclaringMoreBytesThanItsDataCanHold_Throws()
    {
        string path = BuildZip(("x.npy", Build(Dict("<f4", "(100000000,)"), Floats(1))));
        var bytes = File.ReadAllBytes(path);
        // Patch the uncompressed size in the central directory record (signature PK 1 2, size at +24) to ~400 MB.
        int central = bytes.AsSpan().IndexOf("PK\u0001\u0002"u8);
        BitConverter.GetBytes(400_000_064u).CopyTo(bytes, central + 24);
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.Contain("member 'x.npy'").And.Contain("impossible"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Read_TruncatedArchive_ThrowsNpyFormatException(bool compressed)
    {
        using var ms = new MemoryStream();
        Npz.Write(ms, SampleArrays(), compressed);
        var whole = ms.ToArray();
        for (int cut = 0; cut < whole.Length; cut += 7)
        {
            using var part = new MemoryStream(whole[..cut]);
            var e = Assert.Throws<NpyFormatException>(() => Npz.Read(part, "cut.npz"), $"cut at {cut}");
            Assert.That(e!.Message, Does.StartWith("cut.npz"));
        }
    }

    [Test]
    public void Read_CorruptedBytes_ThrowNpyFormatExceptionOrReadConsistently()
    {
        using var ms = new MemoryStream();
        Npz.Write(ms, SampleArrays(), compressed: true);
        var whole = ms.ToArray();
        var rng = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var bytes = (byte[])whole.Clone();
            bytes[rng.Next(bytes.Length)] ^= (byte)rng.Next(1, 256);
            try
            {
                foreach (var a in Npz.Read(new MemoryStream(bytes), "flip.npz").Values)
                    Assert.That(a.Count * a.ItemSize, Is.LessThanOrEqualTo(4096));
            }
            catch (NpyFormatException e)
            {
                Assert.That(e.Message, Does.StartWith("flip.npz"));
            }
        }
    }
}
