using System.Text;
using DeepNet.Numpy;
using static DeepNet.Tests.Numpy.NpyTestFiles;

namespace DeepNet.Tests.Numpy;

public class NpyTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = NewTempFolder();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string TempFile(string name = "a.npy") => Path.Combine(_dir, name);

    private string WriteBytes(byte[] bytes, string name = "a.npy")
    {
        string path = TempFile(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static readonly int[][] Shapes = [[], [0], [5], [2, 3, 4]];

    // ---- round trips -------------------------------------------------------------------------

    private static IEnumerable<TestCaseData> RoundTripCases()
    {
        foreach (var dims in Shapes)
        {
            string s = new Shape(dims).ToString();
            yield return new TestCaseData(typeof(float), "<f4", dims).SetName($"SaveRead_Float32_Shape{s}_RoundTrips");
            yield return new TestCaseData(typeof(double), "<f8", dims).SetName($"SaveRead_Float64_Shape{s}_RoundTrips");
            yield return new TestCaseData(typeof(int), "<i4", dims).SetName($"SaveRead_Int32_Shape{s}_RoundTrips");
            yield return new TestCaseData(typeof(long), "<i8", dims).SetName($"SaveRead_Int64_Shape{s}_RoundTrips");
            yield return new TestCaseData(typeof(byte), "|u1", dims).SetName($"SaveRead_UInt8_Shape{s}_RoundTrips");
            yield return new TestCaseData(typeof(bool), "|b1", dims).SetName($"SaveRead_Bool_Shape{s}_RoundTrips");
            yield return new TestCaseData(typeof(sbyte), "|i1", dims).SetName($"SaveRead_Int8_Shape{s}_RoundTrips");
            yield return new TestCaseData(typeof(short), "<i2", dims).SetName($"SaveRead_Int16_Shape{s}_RoundTrips");
            yield return new TestCaseData(typeof(ushort), "<u2", dims).SetName($"SaveRead_UInt16_Shape{s}_RoundTrips");
        }
    }

    [TestCaseSource(nameof(RoundTripCases))]
    public void SaveRead_RoundTrips(Type type, string descr, int[] dims)
    {
        if (type == typeof(float)) RoundTrip<float>(descr, dims);
        else if (type == typeof(double)) RoundTrip<double>(descr, dims);
        else if (type == typeof(int)) RoundTrip<int>(descr, dims);
        else if (type == typeof(long)) RoundTrip<long>(descr, dims);
        else if (type == typeof(byte)) RoundTrip<byte>(descr, dims);
        else if (type == typeof(bool)) RoundTrip<bool>(descr, dims);
        else if (type == typeof(sbyte)) RoundTrip<sbyte>(descr, dims);
        else if (type == typeof(short)) RoundTrip<short>(descr, dims);
        else RoundTrip<ushort>(descr, dims);
    }

    private void RoundTrip<T>(string descr, int[] dims) where T : unmanaged
    {
        var shape = new Shape(dims);
        var rng = new Random(42);
        var data = new T[shape.Size];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
        rng.NextBytes(bytes);
        if (typeof(T) == typeof(bool)) foreach (ref byte b in bytes) b &= 1; // a .NET bool is 0 or 1
        string path = TempFile();

        Npy.Save(path, data, shape);
        var back = Npy.Read(path);

        Assert.That(back.Descr, Is.EqualTo(descr));
        Assert.That(back.Shape, Is.EqualTo(shape));
        Assert.That(back.AsBytes.ToArray(), Is.EqualTo(bytes.ToArray()));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "no temporary file is left behind");
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Int32)]
    [TestCase(DType.Int64)]
    public void SaveLoad_Tensor_KeepsTypeShapeAndValues(DType dtype)
    {
        var shape = new Shape(2, 3, 4);
        using var t = dtype switch
        {
            DType.Float32 => Tensor.FromArray(Enumerable.Range(0, 24).Select(i => i * 0.25f - 3f).ToArray(), shape),
            DType.Int32 => Tensor.FromArray(Enumerable.Range(0, 24).Select(i => i * 1000 - 7).ToArray(), shape),
            _ => Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (long)i << 40).ToArray(), shape),
        };
        string path = TempFile();

        Npy.Save(path, t);
        using var back = Npy.Load(path);

        Assert.That(back.DType, Is.EqualTo(dtype));
        Assert.That(back.Shape, Is.EqualTo(shape));
        switch (dtype)
        {
            case DType.Float32: Assert.That(back.ToArray<float>(), Is.EqualTo(t.ToArray<float>())); break;
            case DType.Int32: Assert.That(back.ToArray<int>(), Is.EqualTo(t.ToArray<int>())); break;
            default: Assert.That(back.ToArray<long>(), Is.EqualTo(t.ToArray<long>())); break;
        }
    }

    [Test]
    public void SaveRead_Streams_RoundTripIncludingNonSeekableInput()
    {
        var array = NpyArray.Create(new[] { 1.5f, -2f, 3f, 4f, 5f, 6f }, new Shape(2, 3));
        using var ms = new MemoryStream();
        Npy.Write(ms, array);

        ms.Position = 0;
        var seekable = Npy.Read(ms);
        var nonSeekable = Npy.Read(new ForwardOnlyStream(ms.ToArray()));

        Assert.That(seekable.ToFloat32(), Is.EqualTo(array.ToFloat32()));
        Assert.That(nonSeekable.Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(nonSeekable.ToFloat32(), Is.EqualTo(array.ToFloat32()));
    }

    // ---- what the writer produces --------------------------------------------------------------

    [Test]
    public void Save_WritesVersion1HeaderAlignedTo64WithNumpyDict()
    {
        string path = TempFile();
        Npy.Save(path, new int[6], new Shape(2, 3));
        var bytes = File.ReadAllBytes(path);

        Assert.That(bytes[..8], Is.EqualTo(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }));
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.That((10 + headerLength) % 64, Is.Zero);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.That(header, Does.StartWith("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }"));
        Assert.That(header, Does.EndWith(" \n"));
        Assert.That(bytes, Has.Length.EqualTo(10 + headerLength + 24));
    }

    [Test]
    public void Write_HeaderOver64KiB_UsesVersion2()
    {
        // A shape with 30000 dimensions makes a header longer than version 1.0's uint16 length allows.
        var array = NpyArray.Create(new float[1], new Shape(Enumerable.Repeat(1, 30000)));
        using var ms = new MemoryStream();
        Npy.Write(ms, array);
        var bytes = ms.ToArray();

        Assert.That(bytes[6], Is.EqualTo(2));
        uint headerLength = BitConverter.ToUInt32(bytes, 8);
        Assert.That(headerLength, Is.GreaterThan(ushort.MaxValue));
        Assert.That((12 + headerLength) % 64, Is.Zero);
        Assert.That(bytes, Has.Length.EqualTo(12 + headerLength + 4));
    }

    [Test]
    public void Write_NumpyWrittenFixtures_ReproducesTheFilesByteForByte()
    {
        var files = Directory.GetFiles(TestPaths.SharedFile("fixtures", "keras"), "*.npy", SearchOption.AllDirectories);
        Assert.That(files, Is.Not.Empty);
        foreach (string file in files)
        {
            using var ms = new MemoryStream();
            Npy.Write(ms, Npy.Read(file));
            var ours = ms.ToArray();
            var numpys = File.ReadAllBytes(file);
            int firstDifference = ours.AsSpan().CommonPrefixLength(numpys);
            Assert.That(ours.Length == numpys.Length && firstDifference == ours.Length, Is.True,
                $"{file}: lengths {ours.Length} vs {numpys.Length}, first difference at byte {firstDifference}");
        }
    }

    [Test]
    public void Save_OverExistingFile_ReplacesIt()
    {
        string path = TempFile();
        Npy.Save(path, new[] { 1f, 2f, 3f });
        Npy.Save(path, new[] { 7L });

        var back = Npy.Read(path);
        Assert.That(back.Descr, Is.EqualTo("<i8"));
        Assert.That(back.ToInt64(), Is.EqualTo(new[] { 7L }));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1));
    }

    // ---- header variants numpy (or older numpy) writes ----------------------------------------

    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 64, TestName = "Read_Header_Numpy64ByteAligned")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 16, TestName = "Read_Header_OldNumpy16ByteAligned")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)}", 64, TestName = "Read_Header_NoTrailingComma")]
    [TestCase("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 2)}", 64, TestName = "Read_Header_DoubleQuotes")]
    [TestCase("{'shape': (2,2), 'fortran_order': False, 'descr': '<f4'}", 1, TestName = "Read_Header_OtherKeyOrderUnaligned")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }", 16, TestName = "Read_Header_Python2LongInts")]
    [TestCase(" {\t'descr' : '=f4' ,'fortran_order':False,'shape':( 2 , 2 , ) } ", 64, TestName = "Read_Header_ExtraWhitespaceAndNativeOrder")]
    public void Read_HeaderVariants_Accepted(string dict, int align)
    {
        string path = WriteBytes(Build(dict, Floats(1, 2, 3, 4), align: align));
        var a = Npy.Read(path);
        Assert.That(a.Shape, Is.EqualTo(new Shape(2, 2)));
        Assert.That(a.ToFloat32(), Is.EqualTo(new[] { 1f, 2f, 3f, 4f }));
    }

    [TestCase(2)]
    [TestCase(3)]
    public void Read_Version2And3_Accepted(int major)
    {
        string path = WriteBytes(Build(Dict("<f4", "(3,)"), Floats(1, 2, 3), major, encoding: Encoding.UTF8));
        Assert.That(Npy.Read(path).ToFloat32(), Is.EqualTo(new[] { 1f, 2f, 3f }));
    }

    [Test]
    public void Read_BigEndian_SwapsBytes()
    {
        var f4 = new byte[] { 0x3F, 0x80, 0, 0, 0xC0, 0x20, 0, 0 }; // 1.0f, -2.5f big-endian
        var i8 = new byte[] { 0, 0, 0, 0, 0, 0, 1, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE }; // 258, -2
        var u2 = new byte[] { 0x12, 0x34 };

        var a = Npy.Read(WriteBytes(Build(Dict(">f4", "(2,)"), f4), "f4.npy"));
        var b = Npy.Read(WriteBytes(Build(Dict(">i8", "(2,)"), i8), "i8.npy"));
        var c = Npy.Read(WriteBytes(Build(Dict(">u2", "(1,)"), u2), "u2.npy"));

        Assert.That(a.Descr, Is.EqualTo("<f4"));
        Assert.That(a.ToFloat32(), Is.EqualTo(new[] { 1f, -2.5f }));
        Assert.That(b.ToInt64(), Is.EqualTo(new[] { 258L, -2L }));
        Assert.That(c.ToInt32(), Is.EqualTo(new[] { 0x1234 }));
    }

    // ---- conversions ---------------------------------------------------------------------------

    [TestCase("<f4", DType.Float32)]
    [TestCase("<f8", DType.Float32)]
    [TestCase("|u1", DType.Float32)]
    [TestCase("|b1", DType.Float32)]
    [TestCase("|i1", DType.Int32)]
    [TestCase("<i2", DType.Int32)]
    [TestCase("<u2", DType.Int32)]
    [TestCase("<i4", DType.Int32)]
    [TestCase("<i8", DType.Int64)]
    [TestCase("<u4", DType.Int64)]
    [TestCase("<u8", DType.Int64)]
    public void Load_EachDescr_GivesDocumentedTensorType(string descr, DType expected)
    {
        int itemSize = int.Parse(descr[2..]);
        var data = new byte[3 * itemSize];
        for (int i = 0; i < 3; i++) data[i * itemSize] = (byte)(i == 2 ? 1 : i); // values 0, 1, 1 in any integer type
        if (descr[1] == 'f') data = descr == "<f4" ? Floats(0, 1, 1) : new[] { 0.0, 1.0, 1.0 }.SelectMany(BitConverter.GetBytes).ToArray();

        using var t = Npy.Load(WriteBytes(Build(Dict(descr, "(3,)"), data)));

        Assert.That(t.DType, Is.EqualTo(expected));
        Assert.That(t.Shape, Is.EqualTo(new Shape(3)));
        double[] values = expected switch
        {
            DType.Float32 => t.ToArray<float>().Select(v => (double)v).ToArray(),
            DType.Int32 => t.ToArray<int>().Select(v => (double)v).ToArray(),
            _ => t.ToArray<long>().Select(v => (double)v).ToArray(),
        };
        Assert.That(values, Is.EqualTo(new[] { 0.0, 1.0, 1.0 }));
    }

    [Test]
    public void ToFloat32_FromFloat64_RoundsToNearestFloat()
    {
        double[] values = [0.1, -1e-40, 3.141592653589793, 1e300, double.NaN];
        var a = NpyArray.Create(values);
        Assert.That(a.ToFloat32(), Is.EqualTo(values.Select(v => (float)v).ToArray()));
        Assert.That(a.ToFloat64(), Is.EqualTo(values));
    }

    [Test]
    public void Read_BoolBytesOtherThanZeroOrOne_BecomeOne()
    {
        var a = Npy.Read(WriteBytes(Build(Dict("|b1", "(3,)"), [0, 1, 7])));
        Assert.That(a.ToFloat32(), Is.EqualTo(new[] { 0f, 1f, 1f }));
    }

    [Test]
    public void ToInt32_Int64ValueOutOfRange_ThrowsOverflow()
    {
        var a = NpyArray.Create(new[] { 1L, 1L << 40 });
        Assert.That(a.ToInt64(), Is.EqualTo(new[] { 1L, 1L << 40 }));
        var e = Assert.Throws<OverflowException>(() => a.ToInt32());
        Assert.That(e!.Message, Does.Contain("<i8").And.Contain("Int32"));
    }

    [Test]
    public void ToInt32_FloatArray_ThrowsNamingDescr()
    {
        var a = NpyArray.Create(new[] { 1.5f });
        var e = Assert.Throws<InvalidOperationException>(() => a.ToInt32());
        Assert.That(e!.Message, Does.Contain("<f4"));
    }

    [Test]
    public void Create_WrongCount_NamesShape()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => NpyArray.Create(new float[5], new Shape(2, 3)));
        Assert.That(e!.Message, Does.Contain("(2, 3)").And.Contain("5"));
    }

    // ---- malformed files -------------------------------------------------------------------------

    private static NpyFormatException ReadFails(string path)
    {
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(path));
        Assert.That(e!.Message, Does.StartWith(path + ": "), "the message names the file");
        Assert.That(e.FileName, Is.EqualTo(path));
        return e;
    }

    [Test]
    public void Read_FortranOrder_ThrowsSayingFortranOrderIsNotSupported()
    {
        string path = WriteBytes(Build(Dict("<f4", "(2, 2)", "True"), Floats(1, 2, 3, 4)));
        Assert.That(ReadFails(path).Message, Does.Contain("Fortran order").And.Contain("not supported"));
    }

    [Test]
    public void Read_TruncatedAtEveryByte_ThrowsNamingTheFile()
    {
        var whole = Build(Dict("<f8", "(2, 3)"), new byte[48]);
        for (int cut = 0; cut < whole.Length; cut++)
        {
            using var part = new MemoryStream(whole[..cut]);
            var e = Assert.Throws<NpyFormatException>(() => Npy.Read(part, "cut.npy"), $"cut at {cut}");
            Assert.That(e!.Message, Does.StartWith("cut.npy: "), $"cut at {cut}");
        }
        ReadFails(WriteBytes(whole[..100])); // and from a file, named by its path
    }

    [Test]
    public void Read_DataShorterThanShape_SaysHowManyBytesAreMissing()
    {
        string path = WriteBytes(Build(Dict("<f4", "(10,)"), Floats(1, 2, 3)));
        Assert.That(ReadFails(path).Message, Does.Contain("shorter").And.Contain("40").And.Contain("12"));
    }

    [TestCase("(1000000000, 1000000000)")]
    [TestCase("(2147483647, 2147483647, 2147483647, 2147483647, 2147483647)")]
    [TestCase("(4000000000,)")]
    public void Read_HugeShapeClaim_ThrowsWithoutAllocating(string shape)
    {
        string path = WriteBytes(Build(Dict("<f8", shape), Floats(1, 2)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        ReadFails(path);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20), "nothing near the claimed size was allocated");
    }

    [Test]
    public void Read_HeaderLengthBeyondFile_Throws()
    {
        var bytes = Build(Dict("<f4", "(1,)"), Floats(1));
        bytes[8] = 0xFF;
        bytes[9] = 0xFF; // header length 65535 in a 132-byte file
        Assert.That(ReadFails(WriteBytes(bytes)).Message, Does.Contain("65535").And.Contain("past the end"));
    }

    [Test]
    public void Read_Version2HeaderLengthOf4GiB_ThrowsWithoutAllocating()
    {
        var bytes = Build(Dict("<f4", "(1,)"), Floats(1), major: 2);
        BitConverter.GetBytes(uint.MaxValue).CopyTo(bytes, 8);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(ReadFails(WriteBytes(bytes)).Message, Does.Contain("past the end"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [Test]
    public void Read_BadMagic_SaysItIsNotANpyFile()
    {
        var bytes = Build(Dict("<f4", "(1,)"), Floats(1));
        bytes[0] = (byte)'P';
        Assert.That(ReadFails(WriteBytes(bytes)).Message, Does.Contain("not a .npy file"));
        Assert.That(ReadFails(WriteBytes("PK\u0003\u0004 zip"u8.ToArray(), "zip.npy")).Message, Does.Contain("not a .npy file"));
    }

    [TestCase(0, 0)]
    [TestCase(1, 1)]
    [TestCase(4, 0)]
    [TestCase(255, 0)]
    public void Read_UnsupportedVersion_NamesIt(int major, int minor)
    {
        var bytes = Build(Dict("<f4", "(1,)"), Floats(1));
        bytes[6] = (byte)major;
        bytes[7] = (byte)minor;
        Assert.That(ReadFails(WriteBytes(bytes)).Message, Does.Contain($"version {major}.{minor}"));
    }

    [TestCase("", "dict literal", TestName = "Read_Header_Empty")]
    [TestCase("hello", "dict literal", TestName = "Read_Header_NotADict")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", "after the closing", TestName = "Read_Header_TrailingGarbage")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "dict literal", TestName = "Read_Header_Unclosed")]
    [TestCase("{'descr: '<f4', 'fortran_order': False, 'shape': (1,)}", "dict literal", TestName = "Read_Header_UnbalancedQuotes")]
    [TestCase("{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}'", TestName = "Read_Header_MissingComma")]
    [TestCase("{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}", "expected a string, True, False or a tuple", TestName = "Read_Header_LowercaseFalse")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", "lists are not supported", TestName = "Read_Header_ShapeAsList")]
    [TestCase("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", "structured", TestName = "Read_Header_StructuredDescr")]
    [TestCase("{'descr': '<f4', 'fortran_order': False}", "no 'shape' key", TestName = "Read_Header_MissingShape")]
    [TestCase("{'fortran_order': False, 'shape': (1,)}", "no 'descr' key", TestName = "Read_Header_MissingDescr")]
    [TestCase("{'descr': '<f4', 'shape': (1,)}", "no 'fortran_order' key", TestName = "Read_Header_MissingFortranOrder")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': True}", "unexpected key 'extra'", TestName = "Read_Header_ExtraKey")]
    [TestCase("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "appears twice", TestName = "Read_Header_DuplicateKey")]
    [TestCase("{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype descr '<c8'", TestName = "Read_Header_ComplexDescr")]
    [TestCase("{'descr': '<U5', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype descr '<U5'", TestName = "Read_Header_StringDescr")]
    [TestCase("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype descr '|O'", TestName = "Read_Header_ObjectDescr")]
    [TestCase("{'descr': True, 'fortran_order': False, 'shape': (1,)}", "'descr' must be a string", TestName = "Read_Header_DescrNotString")]
    [TestCase("{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,)}", "'fortran_order' must be True or False", TestName = "Read_Header_FortranOrderNotBool")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1)}", "trailing comma", TestName = "Read_Header_ShapeIntNotTuple")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': 'x'}", "must be a tuple", TestName = "Read_Header_ShapeString")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1)}", "negative dimension", TestName = "Read_Header_NegativeDimension")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}", "dict literal", TestName = "Read_Header_FloatDimension")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}", "too large", TestName = "Read_Header_DimensionBeyondInt64")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (3000000000,)}", "too large", TestName = "Read_Header_DimensionBeyondInt32")]
    public void Read_BadHeader_ThrowsSayingWhatIsWrong(string dict, string expected)
    {
        string path = WriteBytes(Build(dict, Floats(1)));
        Assert.That(ReadFails(path).Message, Does.Contain(expected));
    }

    [Test]
    public void Read_RankAbove64_Throws()
    {
        string shape = "(" + string.Join(", ", Enumerable.Repeat(1, 65)) + ")";
        Assert.That(ReadFails(WriteBytes(Build(Dict("<f4", shape), Floats(1)))).Message, Does.Contain("65 dimensions"));
    }

    [Test]
    public void Read_Version3HeaderWithInvalidUtf8_Throws()
    {
        var bytes = Build(Dict("<f4", "(1,)"), Floats(1), major: 3);
        bytes[13] = 0xFF; // inside 'descr'
        Assert.That(ReadFails(WriteBytes(bytes)).Message, Does.Contain("UTF-8"));
    }

    [Test]
    public void Read_RandomGarbageAfterMagic_AlwaysThrowsNpyFormatException()
    {
        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var bytes = Build(Dict("<f4", "(3, 2)"), Floats(1, 2, 3, 4, 5, 6));
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++) bytes[rng.Next(6, 64)] = (byte)rng.Next(256);
            using var ms = new MemoryStream(bytes);
            try
            {
                var a = Npy.Read(ms, "garbage.npy");
                Assert.That(a.Count * a.ItemSize, Is.LessThanOrEqualTo(bytes.Length));
            }
            catch (NpyFormatException e)
            {
                Assert.That(e.Message, Does.StartWith("garbage.npy: "));
            }
        }
    }

    // ---- real files written by numpy ------------------------------------------------------------

    private static string Fixture(params string[] parts) => TestPaths.SharedFile(["fixtures", "keras", .. parts]);

    [Test]
    public void Read_MnistImages_AreUInt8PixelsLoadedAsFloat()
    {
        var raw = Npy.Read(Fixture("mnist_t10k_first100_uint8.npy"));
        Assert.That(raw.Descr, Is.EqualTo("|u1"));
        Assert.That(raw.Shape, Is.EqualTo(new Shape(100, 28, 28)));
        var pixels = raw.AsBytes.ToArray();
        Assert.That(pixels.Max(), Is.EqualTo(255));
        Assert.That(pixels.Min(), Is.EqualTo(0));

        using var t = Npy.Load(Fixture("mnist_t10k_first100_uint8.npy"));
        Assert.That(t.DType, Is.EqualTo(DType.Float32));
        var values = t.ToArray();
        int mismatches = 0;
        for (int i = 0; i < values.Length; i++) if (values[i] != pixels[i]) mismatches++;
        Assert.That(mismatches, Is.Zero);
    }

    [Test]
    public void Read_MnistLabels_AreDigitsStartingWithTheKnownFirstTen()
    {
        var labels = Npy.Read(Fixture("mnist_t10k_first100_labels_uint8.npy"));
        Assert.That(labels.Descr, Is.EqualTo("|u1"));
        Assert.That(labels.Shape, Is.EqualTo(new Shape(100)));
        var values = labels.ToInt32();
        Assert.That(values, Is.All.InRange(0, 9));
        Assert.That(values[..10], Is.EqualTo(new[] { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 })); // the well-known start of MNIST t10k
    }

    [TestCase("dnnrepair_mnist_cnn", "expected_output_first100.npy", "pred_labels_t10k.npy")]
    [TestCase("lee_mnist_lstm_tf2", "expected_output_first100.npy", "pred_labels_t10k.npy")]
    [TestCase("ibukye_resnet_mnist", "expected/expected_output_first100.npy", "expected/pred_labels_t10k.npy")]
    public void Read_MnistExpectedOutputs_AreSoftmaxRowsAgreeingWithPredictedLabels(string folder, string outputs, string predicted)
    {
        using var probs = Npy.Load(Fixture(folder, outputs));
        Assert.That(probs.DType, Is.EqualTo(DType.Float32));
        Assert.That(probs.Shape, Is.EqualTo(new Shape(100, 10)));
        var p = probs.ToArray2D();
        var pred = Npy.Read(Fixture(folder, predicted));
        Assert.That(pred.Descr, Is.EqualTo("|u1"));
        Assert.That(pred.Shape, Is.EqualTo(new Shape(10000)));
        var predLabels = pred.ToInt32();
        var trueLabels = Npy.Read(Fixture("mnist_t10k_first100_labels_uint8.npy")).ToInt32();
        int correct = 0;
        for (int i = 0; i < 100; i++)
        {
            double sum = 0;
            int argmax = 0;
            for (int j = 0; j < 10; j++)
            {
                sum += p[i, j];
                if (p[i, j] > p[i, argmax]) argmax = j;
            }
            Assert.That(sum, Is.EqualTo(1.0).Within(1e-5), $"row {i}");
            Assert.That(argmax, Is.EqualTo(predLabels[i]), $"row {i}");
            if (argmax == trueLabels[i]) correct++;
        }
        Assert.That(correct, Is.GreaterThanOrEqualTo(90), "the models are over 93% accurate");
    }

    [Test]
    public void Read_ImdbTokenIds_AreInt32ZeroPaddedIds()
    {
        using var t = Npy.Load(Fixture("khushibung05_imdb_gru", "input.npy"));
        Assert.That(t.DType, Is.EqualTo(DType.Int32));
        Assert.That(t.Shape, Is.EqualTo(new Shape(4, 500)));
        var ids = t.ToArray<int>();
        Assert.That(ids, Is.All.InRange(0, 9999), "token ids of a 10000-word vocabulary");
        Assert.That(ids, Does.Contain(0), "sequences are padded with 0");
    }

    [Test]
    public void Read_MaskedGruInput_SecondSampleIsZeroFromStep200()
    {
        using var t = Npy.Load(Fixture("ann2018_gru_multi_io", "input_1.npy"));
        Assert.That(t.Shape, Is.EqualTo(new Shape(2, 387, 52)));
        var x = t.ToArray3D();
        bool tailZero = true, headNonZero = false;
        for (int s = 0; s < 387; s++)
            for (int f = 0; f < 52; f++)
            {
                if (s >= 200 && x[1, s, f] != 0) tailZero = false;
                if (s < 200 && x[1, s, f] != 0) headNonZero = true;
            }
        Assert.That(tailZero && headNonZero, Is.True);
    }

    // ---- cross-check with numpy itself, when this machine has it ------------------------------------

    [Test]
    public void Read_FilesNumpyWrites_AllVersionsByteOrdersAndArchives()
    {
        string? python = FindPythonWithNumpy();
        if (python is null) Assert.Ignore("python3 with numpy is not installed; the numpy cross-check is skipped.");
        RunPython(python, """
            import numpy as np, sys, os
            os.chdir(sys.argv[1])
            np.save('be.npy', np.arange(6, dtype='>f8').reshape(2, 3))
            np.save('u2.npy', np.array([1, 65535], dtype='<u2'))
            np.save('scalar.npy', np.float32(3.5))
            np.save('fortran.npy', np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
            for v in (2, 3):
                with open(f'v{v}.npy', 'wb') as f:
                    np.lib.format.write_array(f, np.arange(4, dtype=np.int32), version=(v, 0))
            np.savez('stored.npz', a=np.arange(3, dtype=np.int64), b=np.array([[True, False]]))
            np.savez_compressed('deflated.npz', x=np.linspace(0, 1, 1001, dtype=np.float32))
            print('ok')
            """);

        Assert.That(Npy.Read(TempFile("be.npy")).ToFloat64(), Is.EqualTo(new[] { 0.0, 1, 2, 3, 4, 5 }));
        Assert.That(Npy.Read(TempFile("u2.npy")).ToInt32(), Is.EqualTo(new[] { 1, 65535 }));
        using (var scalar = Npy.Load(TempFile("scalar.npy")))
        {
            Assert.That(scalar.Shape, Is.EqualTo(Shape.Scalar));
            Assert.That(scalar.ToScalar(), Is.EqualTo(3.5f));
        }
        Assert.That(ReadFails(TempFile("fortran.npy")).Message, Does.Contain("Fortran order"));
        Assert.That(Npy.Read(TempFile("v2.npy")).ToInt32(), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(Npy.Read(TempFile("v3.npy")).ToInt32(), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        var stored = Npz.Read(TempFile("stored.npz"));
        Assert.That(stored["a"].ToInt64(), Is.EqualTo(new[] { 0L, 1, 2 }));
        Assert.That(stored["b"].Descr, Is.EqualTo("|b1"));
        Assert.That(stored["b"].Shape, Is.EqualTo(new Shape(1, 2)));
        var x = Npz.Read(TempFile("deflated.npz"))["x"].ToFloat32();
        Assert.That(x, Has.Length.EqualTo(1001));
        Assert.That(x[500], Is.EqualTo(0.5f));
        Assert.That(x[1000], Is.EqualTo(1f));
    }

    private void RunPython(string python, string script)
    {
        string scriptPath = TempFile("script.py");
        File.WriteAllText(scriptPath, script);
        var psi = new System.Diagnostics.ProcessStartInfo(python, [scriptPath, _dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd() + stderr.Result;
        p.WaitForExit();
        Assert.That(output.Trim(), Is.EqualTo("ok"), output);
    }

    [Test]
    public void Save_FilesWeWrite_NumpyReadsThem()
    {
        string? python = FindPythonWithNumpy();
        if (python is null) Assert.Ignore("python3 with numpy is not installed; the numpy cross-check is skipped.");
        Npy.Save(TempFile("f4.npy"), new[] { 1.5f, -2f, 3f, 4f, 5f, 6f }, new Shape(2, 3));
        Npy.Save(TempFile("i8.npy"), new[] { 1L << 40, -3L });
        Npy.Save(TempFile("u1.npy"), new byte[] { 0, 255 }, new Shape(2, 1));
        Npy.Save(TempFile("b1.npy"), new[] { true, false, true });
        Npy.Save(TempFile("empty.npy"), Array.Empty<double>(), new Shape(0, 3));
        Npz.Write(TempFile("both.npz"), [new("x", NpyArray.Create(new[] { 1, 2, 3 })), new("y", NpyArray.Create(new[] { 0.5 }, Shape.Scalar))], compressed: true);
        string script = """
            import numpy as np, sys, os
            os.chdir(sys.argv[1])
            assert np.load('f4.npy').tolist() == [[1.5, -2, 3], [4, 5, 6]] and np.load('f4.npy').dtype == np.float32
            assert np.load('i8.npy').tolist() == [1 << 40, -3] and np.load('i8.npy').dtype == np.int64
            assert np.load('u1.npy').tolist() == [[0], [255]] and np.load('u1.npy').dtype == np.uint8
            assert np.load('b1.npy').tolist() == [True, False, True]
            assert np.load('empty.npy').shape == (0, 3) and np.load('empty.npy').dtype == np.float64
            z = np.load('both.npz')
            assert sorted(z.files) == ['x', 'y'] and z['x'].tolist() == [1, 2, 3] and z['x'].dtype == np.int32
            assert z['y'].shape == () and z['y'] == 0.5
            print('ok')
            """;
        RunPython(python, script);
    }
}

/// <summary>A read-only stream that cannot seek or report its length, like a network or pipe stream.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7)); // short reads on purpose
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
