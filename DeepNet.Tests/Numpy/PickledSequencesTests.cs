using DeepNet.Numpy;
using DeepNet.Tests.Keras.Saving;

namespace DeepNet.Tests.Numpy;

/// <summary>
/// Object arrays of integer sequences as numpy pickles them (keras.datasets' imdb.npz form),
/// written by numpy itself in pickle protocols 2–5, read back and compared with the same data
/// numpy also writes as plain int32 arrays; hostile and truncated pickles end in
/// <see cref="NpyFormatException"/>.
/// </summary>
public class PickledSequencesTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-pickle-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // Members x_p2…x_p5 (lists of ints pickled in that protocol), x_arrays (int64 ndarrays, np.savez's
    // own pickle), flat/lengths (the same sequences as plain int32), raw_p4 (a bare pickle file).
    private const string Writer = """
        import io, pickle, sys, zipfile
        import numpy as np
        out = sys.argv[1]
        seqs = [[1, 2, 3], [], [70000, -5, 2147483647], list(range(300)), [255, 256, 65535, 65536]]
        def obj(items):
            a = np.empty(len(items), dtype=object)
            for i, s in enumerate(items):
                a[i] = s
            return a
        def member(arr, proto):
            f = io.BytesIO()
            np.lib.format.write_array_header_1_0(f, {"descr": "|O", "fortran_order": False, "shape": arr.shape})
            f.write(pickle.dumps(arr, protocol=proto))
            return f.getvalue()
        flat = np.array([v for s in seqs for v in s], dtype=np.int32)
        lengths = np.array([len(s) for s in seqs], dtype=np.int32)
        np.savez(out + "/arrays.npz", x_arrays=obj([np.array(s, dtype=np.int64) for s in seqs]), flat=flat, lengths=lengths)
        with zipfile.ZipFile(out + "/lists.npz", "w") as z:
            for p in (2, 3, 4, 5):
                z.writestr("x_p%d.npy" % p, member(obj(seqs), p))
            z.writestr("y.npy", (lambda f: (np.save(f, np.array([1, 0, 1, 1, 0], dtype=np.int64)), f.getvalue())[1])(io.BytesIO()))
        with open(out + "/raw_p4.pickle", "wb") as f:
            f.write(pickle.dumps(obj(seqs), protocol=4))
        with zipfile.ZipFile(out + "/hostile.npz", "w") as z:
            f = io.BytesIO()
            np.lib.format.write_array_header_1_0(f, {"descr": "|O", "fortran_order": False, "shape": (1,)})
            f.write(b"cos\nsystem\n(S'echo hacked'\ntR.")
            z.writestr("x.npy", f.getvalue())
        """;

    private int[][] Expected()
    {
        var arrays = new Dictionary<string, NpyArray> { ["flat"] = Npz.ReadArray(Path.Combine(_dir, "arrays.npz"), "flat"), ["lengths"] = Npz.ReadArray(Path.Combine(_dir, "arrays.npz"), "lengths") };
        var flat = arrays["flat"].ToInt32();
        var lengths = arrays["lengths"].ToInt32();
        int offset = 0;
        return lengths.Select(n => { var s = flat.AsSpan(offset, n).ToArray(); offset += n; return s; }).ToArray();
    }

    [Test]
    public void ListsOfInts_EveryPickleProtocol_ReadAsNumpyWroteThem()
    {
        H5Py.RunScript(_dir, Writer, _dir);
        var expected = Expected();
        string lists = Path.Combine(_dir, "lists.npz");
        foreach (int protocol in new[] { 2, 3, 4, 5 })
            Assert.That(Npz.ReadIntSequences(lists, $"x_p{protocol}"), Is.EqualTo(expected), $"protocol {protocol}");
        Assert.That(Npz.ReadArray(lists, "y").ToInt32(), Is.EqualTo(new[] { 1, 0, 1, 1, 0 }));
    }

    [Test]
    public void ObjectArrayOfInt64Arrays_FromNpSavez_ReadsAsTheSameSequences()
    {
        H5Py.RunScript(_dir, Writer, _dir);
        Assert.That(Npz.ReadIntSequences(Path.Combine(_dir, "arrays.npz"), "x_arrays"), Is.EqualTo(Expected()));
    }

    [Test]
    public void PickleCallingAnyOtherGlobal_IsRefusedWithoutRunningIt()
    {
        H5Py.RunScript(_dir, Writer, _dir);
        var e = Assert.Throws<NpyFormatException>(() => Npz.ReadIntSequences(Path.Combine(_dir, "hostile.npz"), "x"))!;
        Assert.That(e.Message, Does.Contain("os.system is not allowed"));
    }

    [Test]
    public void TruncatedPickle_AtEveryByte_FailsWithNpyFormatException()
    {
        H5Py.RunScript(_dir, Writer, _dir);
        var pickle = File.ReadAllBytes(Path.Combine(_dir, "raw_p4.pickle"));
        Assert.That(PickledSequences.Read(pickle, 5, "raw"), Is.EqualTo(Expected()));
        for (int n = 0; n < pickle.Length; n++)
            Assert.Throws<NpyFormatException>(() => PickledSequences.Read(pickle[..n], 5, "raw"), $"cut at {n} of {pickle.Length}");
    }

    [Test]
    public void LengthBeyondTheStream_FailsBeforeAllocating()
    {
        // PROTO 4, BINUNICODE8 with a length of 2^40, then nothing.
        byte[] pickle = [0x80, 4, 0x8d, 0, 0, 0, 0, 0, 1, 0, 0];
        var e = Assert.Throws<NpyFormatException>(() => PickledSequences.Read(pickle, 1, "huge"))!;
        Assert.That(e.Message, Does.Contain("runs past the end"));
    }
}
