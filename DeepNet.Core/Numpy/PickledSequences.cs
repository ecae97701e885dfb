using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace DeepNet.Numpy;

/// <summary>
/// Reads the pickle numpy writes for a 1-D object array whose elements are sequences of
/// integers (Python lists of ints, or integer ndarrays): what <c>np.save(allow_pickle=True)</c>
/// stores, e.g. keras.datasets' imdb.npz. This is not a general unpickler: it runs no code and
/// knows only the opcodes of protocols 2–5 such a stream uses and an allow-list of globals
/// (numpy's <c>_reconstruct</c>, <c>ndarray</c> and <c>dtype</c>, and <c>_codecs.encode</c>
/// for protocol 2's bytes); anything else fails naming the offset. Every length is checked
/// against the bytes left, so nothing is allocated beyond the stream's size.
/// Formats: Python's Lib/pickle.py and pickletools.py; numpy's ndarray __reduce__/__setstate__.
/// </summary>
public static class PickledSequences
{
    private sealed record Global(string Module, string Name);

    /// <summary>A numpy dtype: its type string ('O8', 'i8', 'i4'…) and, after BUILD, its byte order.</summary>
    private sealed class DTypeValue(string kind)
    {
        public string Kind { get; } = kind;
        public char ByteOrder { get; set; } = '|';
    }

    /// <summary>An ndarray being rebuilt: _reconstruct makes it, BUILD gives its state.</summary>
    private sealed class ArrayValue
    {
        public long[]? Shape { get; set; }
        public DTypeValue? DType { get; set; }
        public object? Data { get; set; }
    }

    private sealed class Mark;

    private static readonly HashSet<(string, string)> s_allowed =
    [
        ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),
    ];

    /// <summary>
    /// The <paramref name="count"/> sequences in <paramref name="pickle"/> (the bytes after an
    /// object array's .npy header); <paramref name="source"/> names the file in errors.
    /// </summary>
    public static int[][] Read(byte[] pickle, int count, string source)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        var top = new Machine(pickle, source).Run();
        if (top is not ArrayValue { DType.Kind: var kind, Data: List<object?> items } array || !kind.StartsWith('O'))
            throw new NpyFormatException(source, "the pickle does not hold a numpy object array");
        if (array.Shape is not { Length: 1 } shape || shape[0] != count || items.Count != count)
            throw new NpyFormatException(source, $"the pickled array holds {items.Count} elements, the header says {count}");
        var result = new int[count][];
        for (int i = 0; i < count; i++) result[i] = Sequence(items[i], i, source);
        return result;
    }

    private static int[] Sequence(object? item, int index, string source)
    {
        switch (item)
        {
            case List<object?> list:
                var values = new int[list.Count];
                for (int k = 0; k < values.Length; k++)
                    values[k] = list[k] is BigInteger v && v >= int.MinValue && v <= int.MaxValue ? (int)v
                        : throw new NpyFormatException(source, $"element {index} holds {list[k] ?? "None"} at position {k}, not an int32 integer");
                return values;
            case ArrayValue { DType: { } dtype, Data: byte[] data, Shape: { Length: 1 } } when dtype.Kind is "i4" or "i8":
                int size = dtype.Kind == "i4" ? 4 : 8;
                bool big = dtype.ByteOrder == '>';
                if (data.Length % size != 0) throw new NpyFormatException(source, $"element {index}: {data.Length} bytes is not a whole number of {dtype.Kind} values");
                var ints = new int[data.Length / size];
                for (int k = 0; k < ints.Length; k++)
                {
                    var span = data.AsSpan(k * size, size);
                    long v = size == 4 ? (big ? BinaryPrimitives.ReadInt32BigEndian(span) : BinaryPrimitives.ReadInt32LittleEndian(span))
                        : big ? BinaryPrimitives.ReadInt64BigEndian(span) : BinaryPrimitives.ReadInt64LittleEndian(span);
                    ints[k] = v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new NpyFormatException(source, $"element {index} holds {v}, outside int32");
                }
                return ints;
            default:
                throw new NpyFormatException(source, $"element {index} is not a list of ints or a 1-D int32/int64 array");
        }
    }

    /// <summary>The pickle machine: a stack, a memo and the opcodes listed in <see cref="Step"/>.</summary>
    private sealed class Machine(byte[] bytes, string source)
    {
        private readonly List<object?> _stack = new();
        private readonly Dictionary<long, object?> _memo = new();
        private int _position;

        private NpyFormatException Error(string detail) => new(source, $"pickle offset {_position}: {detail}");

        public object? Run()
        {
            while (true)
            {
                if (_position >= bytes.Length) throw Error("the pickle ends without STOP");
                byte op = bytes[_position++];
                if (op == (byte)'.') return _stack.Count == 1 ? _stack[0] : throw Error($"STOP with {_stack.Count} values on the stack");
                Step(op);
            }
        }

        private ReadOnlySpan<byte> Take(long count)
        {
            if (count < 0 || count > bytes.Length - _position) throw Error($"a length of {count} runs past the end ({bytes.Length - _position} bytes left)");
            var span = bytes.AsSpan(_position, (int)count);
            _position += (int)count;
            return span;
        }

        private object? Pop() => _stack.Count > 0 ? Pop(1)[0] : throw Error("the stack is empty");

        private List<object?> Pop(int n)
        {
            if (n > _stack.Count) throw Error("the stack is too short");
            var items = _stack.GetRange(_stack.Count - n, n);
            _stack.RemoveRange(_stack.Count - n, n);
            return items;
        }

        private List<object?> PopToMark()
        {
            int mark = _stack.FindLastIndex(x => x is Mark);
            if (mark < 0) throw Error("no MARK on the stack");
            var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
            _stack.RemoveRange(mark, _stack.Count - mark);
            return items;
        }

        private object? Top() => _stack.Count > 0 ? _stack[^1] : throw Error("the stack is empty");

        private string Line()
        {
            int end = Array.IndexOf(bytes, (byte)'\n', _position);
            if (end < 0) throw Error("a text argument has no end of line");
            string text = Encoding.ASCII.GetString(bytes, _position, end - _position);
            _position = end + 1;
            return text;
        }

        private void Step(byte op)
        {
            switch (op)
            {
                case 0x80: Take(1); break; // PROTO
                case 0x95: Take(8); break; // FRAME: only a buffering hint
                case (byte)'(': _stack.Add(new Mark()); break;
                case (byte)'N': _stack.Add(null); break;
                case 0x88: _stack.Add(true); break;
                case 0x89: _stack.Add(false); break;
                case (byte)'J': _stack.Add(new BigInteger(BinaryPrimitives.ReadInt32LittleEndian(Take(4)))); break;
                case (byte)'K': _stack.Add(new BigInteger(Take(1)[0])); break;
                case (byte)'M': _stack.Add(new BigInteger(BinaryPrimitives.ReadUInt16LittleEndian(Take(2)))); break;
                case 0x8a: _stack.Add(new BigInteger(Take(Take(1)[0]), isUnsigned: false, isBigEndian: false)); break; // LONG1
                case 0x8b: _stack.Add(new BigInteger(Take(BinaryPrimitives.ReadInt32LittleEndian(Take(4))), isUnsigned: false, isBigEndian: false)); break;
                case (byte)'X': _stack.Add(Utf8(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break; // BINUNICODE
                case 0x8c: _stack.Add(Utf8(Take(Take(1)[0]))); break; // SHORT_BINUNICODE
                case 0x8d: _stack.Add(Utf8(Take(BinaryPrimitives.ReadInt64LittleEndian(Take(8))))); break; // BINUNICODE8
                case (byte)'C' or (byte)'U': _stack.Add(Take(Take(1)[0]).ToArray()); break; // SHORT_BINBYTES, SHORT_BINSTRING (Python 2 str)
                case (byte)'B' or (byte)'T': _stack.Add(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))).ToArray()); break;
                case 0x8e: _stack.Add(Take(BinaryPrimitives.ReadInt64LittleEndian(Take(8))).ToArray()); break; // BINBYTES8
                case (byte)']': _stack.Add(new List<object?>()); break;
                case (byte)'l': _stack.Add(PopToMark()); break;
                case (byte)'a': { var item = Pop(); AsList(Top()).Add(item); break; }
                case (byte)'e': { var items = PopToMark(); AsList(Top()).AddRange(items); break; }
                case (byte)')': _stack.Add(Array.Empty<object?>()); break;
                case (byte)'t': _stack.Add(PopToMark().ToArray()); break;
                case 0x85: _stack.Add(Pop(1).ToArray()); break;
                case 0x86: _stack.Add(Pop(2).ToArray()); break;
                case 0x87: _stack.Add(Pop(3).ToArray()); break;
                case (byte)'q': _memo[Take(1)[0]] = Top(); break; // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Top(); break;
                case 0x94: _memo[_memo.Count] = Top(); break; // MEMOIZE
                case (byte)'h': _stack.Add(Memo(Take(1)[0])); break; // BINGET
                case (byte)'j': _stack.Add(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                case (byte)'c': _stack.Add(Allowed(Line(), Line())); break; // GLOBAL
                case 0x93: // STACK_GLOBAL
                {
                    var parts = Pop(2);
                    if (parts[0] is not string module || parts[1] is not string name) throw Error("STACK_GLOBAL needs two strings");
                    _stack.Add(Allowed(module, name));
                    break;
                }
                case (byte)'R': { var args = Pop(); var function = Pop(); _stack.Add(Reduce(function, args)); break; }
                case (byte)'b': { var state = Pop(); Build(Top(), state); break; }
                default: throw Error($"opcode 0x{op:x2} is not one a numpy object array of sequences uses");
            }
        }

        private string Utf8(ReadOnlySpan<byte> data)
        {
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data);
            }
            catch (DecoderFallbackException)
            {
                throw Error("a string is not valid UTF-8");
            }
        }

        private List<object?> AsList(object? value) => value as List<object?> ?? throw Error("APPEND to something that is not a list");

        private object? Memo(long key) => _memo.TryGetValue(key, out var value) ? value : throw Error($"memo key {key} was never stored");

        private Global Allowed(string module, string name) =>
            s_allowed.Contains((module, name)) ? new Global(module, name)
            : throw Error($"global {module}.{name} is not allowed (only numpy's ndarray reconstruction is read; nothing in a pickle is run)");

        private object Reduce(object? function, object? args)
        {
            if (function is not Global g || args is not object?[] a) throw Error("REDUCE needs a global and a tuple");
            switch (g.Name)
            {
                case "_reconstruct" when a.Length == 3 && a[0] is Global { Name: "ndarray" }:
                    return new ArrayValue();
                case "dtype" when a.Length >= 1 && a[0] is string kind:
                    return new DTypeValue(kind);
                case "encode" when a.Length == 2 && a[0] is string text && a[1] is "latin1" or "latin-1":
                    // Protocol 2 writes bytes as _codecs.encode(str, "latin1").
                    var data = new byte[text.Length];
                    for (int i = 0; i < text.Length; i++) data[i] = text[i] <= 0xff ? (byte)text[i] : throw Error("a latin1 string holds a character above U+00FF");
                    return data;
                default:
                    throw Error($"{g.Module}.{g.Name} called with arguments this reader does not take");
            }
        }

        private void Build(object? target, object? state)
        {
            switch (target, state)
            {
                case (DTypeValue dtype, object?[] { Length: >= 2 } s) when s[1] is string order && order.Length == 1:
                    dtype.ByteOrder = order[0];
                    break;
                case (ArrayValue array, object?[] { Length: 5 } s):
                    // ndarray.__setstate__: (version, shape, dtype, is_fortran, data)
                    if (s[1] is not object?[] shape || shape.Any(d => d is not BigInteger))
                        throw Error("an ndarray state without a shape tuple");
                    if (shape.Any(d => (BigInteger)d! < 0 || (BigInteger)d! > int.MaxValue)) throw Error("an ndarray shape out of range");
                    array.Shape = shape.Select(d => (long)(BigInteger)d!).ToArray();
                    array.DType = s[2] as DTypeValue ?? throw Error("an ndarray state without a dtype");
                    if (s[3] is true) throw Error("Fortran-ordered arrays are not read");
                    array.Data = s[4];
                    break;
                default:
                    throw Error("BUILD on an object this reader does not take");
            }
        }
    }
}
