#nullable enable
namespace DeepNet.Numpy;

/// <summary>
/// A strict parser for the Python dict literal in a .npy header, such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. It reads exactly the
/// grammar numpy writes, nothing more:
/// <code>
/// dict  := '{' [entry (',' entry)* [',']] '}'
/// entry := string ':' value
/// value := string | 'True' | 'False' | tuple
/// tuple := '(' ')' | '(' int ',' ')' | '(' int (',' int)+ [','] ')'
/// int   := digits ['L']            (Python 2 numpy wrote long ints as 3L)
/// </code>
/// with whitespace allowed between tokens. Strings are single- or double-quoted without escapes.
/// Values come back as string, bool or long[] (a tuple).
/// </summary>
internal ref struct NpyHeaderParser
{
    private readonly ReadOnlySpan<char> _text;
    private int _pos;

    private NpyHeaderParser(ReadOnlySpan<char> text)
    {
        _text = text;
        _pos = 0;
    }

    /// <summary>Parses the whole header; throws <see cref="FormatException"/> saying what is wrong and where.</summary>
    public static Dictionary<string, object> Parse(ReadOnlySpan<char> text)
    {
        var parser = new NpyHeaderParser(text);
        var dict = parser.ParseDict();
        parser.SkipWhitespace();
        if (!parser.AtEnd) throw parser.Error("unexpected text after the closing '}'");
        return dict;
    }

    private readonly bool AtEnd => _pos >= _text.Length;

    private readonly char Peek => AtEnd ? '\0' : _text[_pos];

    private Dictionary<string, object> ParseDict()
    {
        SkipWhitespace();
        Expect('{');
        var dict = new Dictionary<string, object>(StringComparer.Ordinal);
        SkipWhitespace();
        while (Peek != '}')
        {
            int keyPos = _pos;
            string key = ParseString();
            SkipWhitespace();
            Expect(':');
            object value = ParseValue();
            if (!dict.TryAdd(key, value))
            {
                _pos = keyPos;
                throw Error($"key '{key}' appears twice");
            }
            SkipWhitespace();
            if (Peek == ',') { _pos++; SkipWhitespace(); }
            else if (Peek != '}') throw Error("expected ',' or '}'");
        }
        _pos++;
        return dict;
    }

    private object ParseValue()
    {
        SkipWhitespace();
        char c = Peek;
        if (c is '\'' or '"') return ParseString();
        if (c == '(') return ParseTuple();
        if (TryWord("True")) return true;
        if (TryWord("False")) return false;
        if (c == '[') throw Error("lists are not supported (structured dtypes, whose descr is a list of fields, are not read)");
        throw Error("expected a string, True, False or a tuple");
    }

    private string ParseString()
    {
        char quote = Peek;
        if (quote is not ('\'' or '"')) throw Error("expected a quoted string");
        int start = ++_pos;
        while (!AtEnd && _text[_pos] != quote)
        {
            if (_text[_pos] is '\\' or '\n') throw Error("escapes and line breaks in strings are not supported");
            _pos++;
        }
        if (AtEnd) throw Error("unterminated string");
        return new string(_text[start.._pos++]);
    }

    private long[] ParseTuple()
    {
        Expect('(');
        var items = new List<long>();
        bool trailingComma = false;
        SkipWhitespace();
        while (Peek != ')')
        {
            items.Add(ParseInt());
            SkipWhitespace();
            trailingComma = Peek == ',';
            if (trailingComma) { _pos++; SkipWhitespace(); }
            else if (Peek != ')') throw Error("expected ',' or ')' in a tuple");
        }
        // In Python (5) is the integer 5, not a tuple; numpy rejects it as a shape, and so do we.
        if (items.Count == 1 && !trailingComma) throw Error("a one-element tuple needs a trailing comma, as in (5,)");
        _pos++;
        return items.ToArray();
    }

    private long ParseInt()
    {
        int start = _pos;
        if (Peek == '-') _pos++;
        while (char.IsAsciiDigit(Peek)) _pos++;
        var digits = _text[start.._pos];
        if (!long.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign, null, out long value))
        {
            _pos = start;
            throw Error(digits.Length > 1 ? $"integer {digits.ToString()} is too large" : "expected an integer");
        }
        if (Peek == 'L') _pos++;
        return value;
    }

    private bool TryWord(string word)
    {
        if (!_text[_pos..].StartsWith(word, StringComparison.Ordinal)) return false;
        int end = _pos + word.Length;
        if (end < _text.Length && char.IsAsciiLetterOrDigit(_text[end])) return false;
        _pos = end;
        return true;
    }

    private void Expect(char c)
    {
        if (Peek != c) throw Error($"expected '{c}'");
        _pos++;
    }

    private void SkipWhitespace()
    {
        while (Peek is ' ' or '\t' or '\n' or '\r') _pos++;
    }

    private readonly FormatException Error(string what)
    {
        string found = AtEnd ? "the end of the header" : $"'{_text[_pos..Math.Min(_pos + 12, _text.Length)].ToString()}'";
        return new FormatException($"{what} at character {_pos}, found {found}");
    }
}
