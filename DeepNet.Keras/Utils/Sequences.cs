namespace DeepNet.Keras.Utils;

/// <summary>Sequence preprocessing (Keras <c>keras.utils.pad_sequences</c>, keras/src/utils/sequence_utils.py).</summary>
public static class Sequences
{
    /// <summary>
    /// Pads (or truncates) every sequence to one length, giving a (samples, maxlen) array (Keras
    /// <c>pad_sequences</c>; its defaults: padding "pre", truncating "pre", value 0, int32 with
    /// <c>int</c> sequences).
    /// </summary>
    /// <param name="sequences">The sequences, of any lengths (empty ones become all padding).</param>
    /// <param name="maxlen">The length of every row; null means the longest sequence's length.</param>
    /// <param name="padding">"pre" pads at the start, "post" at the end.</param>
    /// <param name="truncating">"pre" drops values from the start of longer sequences, "post" from the end.</param>
    /// <param name="value">The padding value.</param>
    public static T[,] PadSequences<T>(IReadOnlyList<IReadOnlyList<T>> sequences, int? maxlen = null, string padding = "pre",
        string truncating = "pre", T value = default)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(sequences);
        bool padPre = padding switch
        {
            "pre" => true,
            "post" => false,
            _ => throw new ArgumentException($"pad_sequences: padding type \"{padding}\" not understood; expected \"pre\" or \"post\".", nameof(padding)),
        };
        bool truncatePre = truncating switch
        {
            "pre" => true,
            "post" => false,
            _ => throw new ArgumentException($"pad_sequences: truncating type \"{truncating}\" not understood; expected \"pre\" or \"post\".", nameof(truncating)),
        };
        if (maxlen is < 0)
            throw new ArgumentOutOfRangeException(nameof(maxlen), $"pad_sequences: maxlen must be non-negative. Received: maxlen={maxlen}");
        int length = maxlen ?? 0;
        if (maxlen is null)
        {
            for (int i = 0; i < sequences.Count; i++)
            {
                var s = sequences[i] ?? throw new ArgumentException($"pad_sequences: sequence {i} is null.", nameof(sequences));
                length = Math.Max(length, s.Count);
            }
        }

        var result = new T[sequences.Count, length];
        for (int i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i] ?? throw new ArgumentException($"pad_sequences: sequence {i} is null.", nameof(sequences));
            int kept = Math.Min(s.Count, length);
            int from = truncatePre ? s.Count - kept : 0;
            int to = padPre ? length - kept : 0;
            for (int j = 0; j < length; j++) result[i, j] = value;
            for (int j = 0; j < kept; j++) result[i, to + j] = s[from + j];
        }
        return result;
    }
}
