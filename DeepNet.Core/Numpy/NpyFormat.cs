#nullable enable
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DeepNet.Numpy;

/// <summary>
/// The .npy layout (numpy format versions 1.0, 2.0 and 3.0):
/// <code>
/// "\x93NUMPY" major minor header_len header data
/// </code>
/// header_len is a little-endian uint16 in 1.0 and uint32 in 2.0/3.0; the header is a Python
/// dict literal (latin-1, or UTF-8 in 3.0) padded with spaces and a final '\n' so the data
/// starts on a 64-byte boundary (numpy before 1.24 aligned to 16; any alignment is read).
/// Every size the header claims is checked against the bytes actually available before
/// anything is allocated, so a corrupt or hostile file fails with <see cref="NpyFormatException"/>
/// instead of exhausting memory.
/// </summary>
internal static class NpyFormat
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>numpy ≥ 1.24 aligns the data to 64 bytes (enough for any SIMD load); we write the same.</summary>
    private const int Alignment = 64;

    /// <summary>numpy's own limit on the number of dimensions (NPY_MAXDIMS in numpy 2).</summary>
    private const int MaxRank = 64;

    private const string Supported = "<f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1 (or big-endian '>')";

    /// <summary>
    /// Reads one array from <paramref name="stream"/>, which holds <paramref name="length"/> bytes
    /// from its current position (bytes after the data are ignored, as numpy does).
    /// <paramref name="source"/> names the file in error messages.
    /// </summary>
    public static NpyArray Read(Stream stream, long length, string source)
    {
        string headerText = ReadHeaderText(stream, length, source, out long available);
        var (descr, dims) = ParseHeader(headerText, source);

        // ---- data: check the size the header implies against what the file holds, then read
        Int128 byteCount = descr.ItemSize;
        foreach (int d in dims) byteCount = Int128.Min(byteCount * d, long.MaxValue); // saturates instead of overflowing
        string what = $"shape {Shape.Format(dims)} of '{descr}'";
        if (byteCount > available)
            throw Error(source, $"data is shorter than the header says: {what} needs {byteCount} bytes, the file has {available} after the header");
        if (byteCount > Array.MaxLength)
            throw Error(source, $"{what} needs {byteCount} bytes, more than one array can hold ({Array.MaxLength})");
        var data = new byte[(int)byteCount];
        if (ReadFully(stream, data) < data.Length)
            throw Error(source, $"data is shorter than the header says: {what} needs {byteCount} bytes");

        if (descr.BigEndian) SwapBytes(data, descr.ItemSize);
        if (descr.Kind == 'b')
        {
            // numpy bools are 0 or 1; anything else is normalised so conversions give 0 or 1.
            foreach (ref byte b in data.AsSpan()) b = b != 0 ? (byte)1 : (byte)0;
        }
        return new NpyArray(descr, new Shape(dims), data);
    }

    /// <summary>
    /// Reads the preamble and the header dict of a .npy held in <paramref name="stream"/>
    /// (<paramref name="length"/> bytes); <paramref name="available"/> is what is left for the data.
    /// </summary>
    private static string ReadHeaderText(Stream stream, long length, string source, out long available)
    {
        // ---- fixed preamble: magic, version, header length
        Span<byte> preamble = stackalloc byte[12];
        int got = ReadFully(stream, preamble[..(int)Math.Min(10, length)]);
        if (!preamble[..Math.Min(got, Magic.Length)].SequenceEqual(Magic[..Math.Min(got, Magic.Length)]))
            throw Error(source, $"not a .npy file (the first bytes are {Convert.ToHexString(preamble[..Math.Min(got, 6)])}, not 93 'NUMPY')");
        if (got == 0) throw Error(source, "file is empty");
        if (got < 10) throw Error(source, $"file is truncated: {got} bytes, too short for a .npy preamble");
        int major = preamble[6], minor = preamble[7];
        if (major is < 1 or > 3 || minor != 0)
            throw Error(source, $"unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are read)");
        long headerLength;
        int fixedLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
            fixedLength = 10;
        }
        else
        {
            if (ReadFully(stream, preamble[10..12]) < 2 || length < 12) throw Error(source, "file is truncated inside the .npy preamble");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
            fixedLength = 12;
        }
        if (fixedLength + headerLength > length)
            throw Error(source, $"header length {headerLength} runs past the end of the file ({length} bytes)");

        // ---- header dict
        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength) throw Error(source, "file is truncated inside the header");
        string headerText;
        try
        {
            headerText = major == 3 ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error(source, "the version 3.0 header is not valid UTF-8");
        }
        available = length - fixedLength - headerLength;
        return headerText;
    }

    /// <summary>
    /// Reads a 1-D object array ('|O', numpy's allow_pickle form): checks the header and returns
    /// the element count and the pickle stream that follows it, for <see cref="PickledSequences"/>.
    /// </summary>
    public static (int Count, byte[] Pickle) ReadObjectArray(Stream stream, long length, string source)
    {
        string headerText = ReadHeaderText(stream, length, source, out long available);
        Dictionary<string, object> dict;
        try
        {
            dict = NpyHeaderParser.Parse(headerText);
        }
        catch (FormatException e)
        {
            throw Error(source, $"header is not a valid Python dict literal: {e.Message}");
        }
        if (Get(dict, "descr", source) is not string descr || descr != "|O")
            throw Error(source, $"descr {Get(dict, "descr", source)} is not an object array ('|O')");
        if (Get(dict, "shape", source) is not long[] { Length: 1 } shape || shape[0] is not (>= 0 and <= int.MaxValue) || Get(dict, "fortran_order", source) is not false)
            throw Error(source, "an object array of sequences must be one-dimensional");
        if (available > Array.MaxLength) throw Error(source, $"the pickle of {available} bytes is more than one array can hold");
        var pickle = new byte[available];
        if (ReadFully(stream, pickle) < pickle.Length) throw Error(source, "file is truncated inside the pickled data");
        return ((int)shape[0], pickle);
    }

    /// <summary>Writes <paramref name="array"/> as format 1.0, or 2.0 when the header needs more than 65535 bytes.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        // The dict exactly as numpy writes it; Shape prints Python tuple syntax: (), (5,), (2, 3).
        string dict = $"{{'descr': '{array.Descr}', 'fortran_order': False, 'shape': {array.Shape}, }}";
        int major = 1;
        int fixedLength = 10;
        int headerLength = Pad(dict.Length + 1, fixedLength);
        if (headerLength > ushort.MaxValue)
        {
            major = 2;
            fixedLength = 12;
            headerLength = Pad(dict.Length + 1, fixedLength);
        }

        var preamble = new byte[fixedLength + headerLength];
        Magic.CopyTo(preamble);
        preamble[6] = (byte)major;
        preamble[7] = 0;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(preamble.AsSpan(8), (ushort)headerLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(preamble.AsSpan(8), (uint)headerLength);
        var header = preamble.AsSpan(fixedLength);
        header.Fill((byte)' ');
        Encoding.ASCII.GetBytes(dict, header);
        header[^1] = (byte)'\n';
        stream.Write(preamble);
        stream.Write(array.AsBytes);
    }

    /// <summary>Header length (dict + spaces + '\n') that makes preamble + header a multiple of 64.</summary>
    private static int Pad(int minimum, int fixedLength) =>
        (fixedLength + minimum + Alignment - 1) / Alignment * Alignment - fixedLength;

    private static (NpyDescr Descr, int[] Dims) ParseHeader(string text, string source)
    {
        Dictionary<string, object> dict;
        try
        {
            dict = NpyHeaderParser.Parse(text);
        }
        catch (FormatException e)
        {
            throw Error(source, $"header is not a valid Python dict literal: {e.Message}");
        }
        foreach (string key in dict.Keys)
        {
            if (key is not ("descr" or "fortran_order" or "shape"))
                throw Error(source, $"header has an unexpected key '{key}' (expected 'descr', 'fortran_order' and 'shape')");
        }

        if (Get(dict, "descr", source) is not string descrText)
            throw Error(source, "header 'descr' must be a string such as '<f4'");
        var descr = NpyDescr.TryParse(descrText)
            ?? throw Error(source, $"unsupported dtype descr '{descrText}'; supported: {Supported}");

        if (Get(dict, "fortran_order", source) is not bool fortranOrder)
            throw Error(source, "header 'fortran_order' must be True or False");
        if (fortranOrder)
            throw Error(source, "Fortran order (fortran_order: True) is not supported; save the array in C order (np.ascontiguousarray) instead");

        if (Get(dict, "shape", source) is not long[] shape)
            throw Error(source, "header 'shape' must be a tuple of integers");
        if (shape.Length > MaxRank)
            throw Error(source, $"shape has {shape.Length} dimensions, more than numpy's limit of {MaxRank}");
        var dims = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0) throw Error(source, $"shape ({string.Join(", ", shape)}) has a negative dimension");
            if (shape[i] > int.MaxValue) throw Error(source, $"shape dimension {shape[i]} is too large (at most {int.MaxValue})");
            dims[i] = (int)shape[i];
        }
        return (descr, dims);
    }

    private static object Get(Dictionary<string, object> dict, string key, string source) =>
        dict.TryGetValue(key, out var value) ? value : throw Error(source, $"header has no '{key}' key");

    private static void SwapBytes(byte[] data, int itemSize)
    {
        var span = data.AsSpan();
        switch (itemSize)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(span), MemoryMarshal.Cast<byte, ushort>(span)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(span), MemoryMarshal.Cast<byte, uint>(span)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(span), MemoryMarshal.Cast<byte, ulong>(span)); break;
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the count read.</summary>
    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static NpyFormatException Error(string source, string detail) => new(source, detail);
}
