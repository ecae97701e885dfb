using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Argument handling shared by convolution, pooling and reshaping layers, as Keras's conv_utils
/// does it: ints or tuples normalised to tuples, padding and data_format strings checked.
/// </summary>
internal static class ConvArgs
{
    /// <summary>An int (repeated <paramref name="rank"/> times) or a tuple of exactly <paramref name="rank"/> positive ints.</summary>
    public static int[] Tuple(int[]? values, int rank, string name, int[] fallback, bool allowZero = false)
    {
        values ??= fallback;
        if (values.Length == 1 && rank > 1) values = Enumerable.Repeat(values[0], rank).ToArray();
        if (values.Length != rank)
            throw new ArgumentException($"The `{name}` argument must be a tuple of {rank} integers. Received {name}=({string.Join(", ", values)})", name);
        foreach (int v in values)
        {
            if (allowZero ? v < 0 : v <= 0)
                throw new ArgumentException($"The `{name}` argument must be a tuple of {rank} {(allowZero ? "non-negative" : "positive")} integers. Received {name}=({string.Join(", ", values)})", name);
        }
        return (int[])values.Clone();
    }

    /// <summary>
    /// Keras's edge arguments of padding and cropping layers, flat as (before, after) per spatial
    /// axis: an int for every edge, one int per axis for both its edges, or a pair per axis.
    /// </summary>
    public static int[] Sides(int[] values, int rank, string name)
    {
        ArgumentNullException.ThrowIfNull(values);
        int[] sides;
        if (values.Length == 1) sides = Enumerable.Repeat(values[0], 2 * rank).ToArray();
        else if (values.Length == rank && rank > 1) sides = values.SelectMany(v => new[] { v, v }).ToArray();
        else if (values.Length == 2 * rank) sides = (int[])values.Clone();
        else
            throw new ArgumentException($"`{name}` should be an int, a tuple of {rank} ints or a tuple of {rank} tuples of 2 ints. Received: {name}=({string.Join(", ", values)})", name);
        if (sides.Any(v => v < 0)) throw new ArgumentException($"`{name}` cannot be negative. Received: {name}=({string.Join(", ", values)})", name);
        return sides;
    }

    /// <summary>Flat (before, after) edges as Keras writes them: a list of pairs.</summary>
    public static JArray SidesJson(int[] sides) =>
        new(Enumerable.Range(0, sides.Length / 2).Select(i => (object)LayerConfig.ToJson(sides[(2 * i)..(2 * i + 2)])).ToArray());

    public static Padding ParsePadding(string padding, bool allowCausal)
    {
        ArgumentNullException.ThrowIfNull(padding);
        return padding.ToLowerInvariant() switch
        {
            "valid" => Padding.Valid,
            "same" => Padding.Same,
            "causal" when allowCausal => Padding.Causal,
            _ => throw new ArgumentException($"The `padding` argument must be one of {(allowCausal ? "\"valid\", \"same\", \"causal\"" : "\"valid\", \"same\"")}. Received: padding={padding}", nameof(padding)),
        };
    }

    public static string PaddingName(Padding padding) => padding switch
    {
        Padding.Valid => "valid",
        Padding.Same => "same",
        _ => "causal",
    };

    /// <summary>Null means Keras's image_data_format(), which is channels_last here.</summary>
    public static string DataFormat(string? dataFormat)
    {
        var f = (dataFormat ?? "channels_last").ToLowerInvariant();
        if (f != "channels_last" && f != "channels_first")
            throw new ArgumentException($"The `data_format` argument must be one of \"channels_first\", \"channels_last\". Received: data_format={dataFormat}", nameof(dataFormat));
        return f;
    }

    /// <summary>An int or a list of ints from a config (Keras writes tuples as lists).</summary>
    public static int[]? IntsOrInt(JToken? token) => token switch
    {
        null => null,
        { Type: JTokenType.Null } => null,
        JArray a => a.Select(t => t.Value<int>()).ToArray(),
        _ => [token.Value<int>()],
    };

    /// <summary>(N, C, d1..dk) → (N, d1..dk, C).</summary>
    public static Tensor ToChannelsLast(Tensor x)
    {
        var perm = new int[x.Rank];
        perm[0] = 0;
        for (int i = 1; i < x.Rank - 1; i++) perm[i] = i + 1;
        perm[^1] = 1;
        return Ops.Transpose(x, perm);
    }

    /// <summary>(N, d1..dk, C) → (N, C, d1..dk).</summary>
    public static Tensor ToChannelsFirst(Tensor x)
    {
        var perm = new int[x.Rank];
        perm[0] = 0;
        perm[1] = x.Rank - 1;
        for (int i = 2; i < x.Rank; i++) perm[i] = i - 1;
        return Ops.Transpose(x, perm);
    }

    /// <summary>Output length of one spatial dimension (unknown stays unknown).</summary>
    public static int? OutputLength(int? length, int kernel, int stride, int dilation, Padding padding) =>
        length is int l ? PaddingMath.Compute(l, kernel, stride, dilation, padding).Output : null;
}
