using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// <c>x[...]</c> as tf.keras's SlicingOpLambda stores it: the node's <c>slice_spec</c> is one item
/// or a list of items, each an int (index: the axis goes), a slice as
/// <c>{"start", "stop", "step"}</c> (tf-keras tf_op_layer.py turns these dicts back into Python
/// slices), null (tf.newaxis: a new axis of 1) or <c>{"class_name": "__ellipsis__"}</c> (the
/// JSON form tf-keras's json_utils gives Ellipsis). Python's rules: negative positions count
/// from the end, slice bounds clamp, an index out of range is an error. Steps other than 1 are
/// not supported.
/// </summary>
internal static class TFSlicing
{
    private enum Kind { Index, Range, NewAxis }

    public static Tensor GetItem(Tensor x, JToken? spec)
    {
        var items = spec is JArray list ? list.ToList() : [spec ?? JValue.CreateNull()];
        int ellipses = items.Count(IsEllipsis);
        if (ellipses > 1) throw new ArgumentException("TFOpLambda tf.__operators__.getitem: a slice has more than one ellipsis.");
        int consuming = items.Count(i => !IsEllipsis(i) && i.Type != JTokenType.Null);
        int rank = x.Shape.Rank;
        if (consuming > rank) throw new ShapeMismatchException("tf.__operators__.getitem", $"{consuming} indices for a tensor of shape {x.Shape}.");

        // Ellipsis (or the end of the list) stands for as many full slices as the axes left over.
        var expanded = new List<JToken>();
        foreach (var item in items)
        {
            if (IsEllipsis(item)) expanded.AddRange(Enumerable.Repeat<JToken>(new JObject(), rank - consuming));
            else expanded.Add(item);
        }
        if (ellipses == 0) expanded.AddRange(Enumerable.Repeat<JToken>(new JObject(), rank - consuming));

        var begin = new int[rank];
        var size = new int[rank];
        var kinds = new List<Kind>();
        int axis = 0;
        foreach (var item in expanded)
        {
            if (item.Type == JTokenType.Null)
            {
                kinds.Add(Kind.NewAxis);
                continue;
            }
            int dim = x.Shape[axis];
            if (item.Type == JTokenType.Integer)
            {
                int index = (int)item;
                int at = index < 0 ? index + dim : index;
                if (at < 0 || at >= dim) throw new ArgumentOutOfRangeException(nameof(spec), $"TFOpLambda tf.__operators__.getitem: index {index} is out of range for axis {axis} of size {dim}.");
                (begin[axis], size[axis]) = (at, 1);
                kinds.Add(Kind.Index);
            }
            else if (item is JObject slice)
            {
                if (slice["step"] is JToken step && step.Type != JTokenType.Null && (int)step != 1)
                    throw new NotSupportedException($"TFOpLambda tf.__operators__.getitem: slice step {step} is not supported (only 1).");
                int start = Bound(slice["start"], dim, 0), stop = Bound(slice["stop"], dim, dim);
                (begin[axis], size[axis]) = (start, Math.Max(0, stop - start));
                kinds.Add(Kind.Range);
            }
            else throw new NotSupportedException($"TFOpLambda tf.__operators__.getitem: slice item {item.ToString(Newtonsoft.Json.Formatting.None)} is not supported.");
            axis++;
        }

        var y = Ops.Slice(x, begin, size);
        // Indexed axes go (from the last, so earlier positions hold), then new axes come in.
        var indexed = new List<int>();
        axis = 0;
        foreach (var kind in kinds.Where(k => k != Kind.NewAxis))
        {
            if (kind == Kind.Index) indexed.Add(axis);
            axis++;
        }
        for (int i = indexed.Count - 1; i >= 0; i--) y = Ops.Squeeze(y, indexed[i]);
        int outAxis = 0;
        foreach (var kind in kinds)
        {
            if (kind == Kind.NewAxis) y = Ops.ExpandDims(y, outAxis);
            if (kind != Kind.Index) outAxis++;
        }
        return y;
    }

    private static bool IsEllipsis(JToken token) => token is JObject o && o.Value<string?>("class_name") == "__ellipsis__";

    /// <summary>A slice bound with Python's rules: null is the default, negatives count from the end, then clamp to [0, dim].</summary>
    private static int Bound(JToken? token, int dim, int fallback)
    {
        if (token is null || token.Type == JTokenType.Null) return fallback;
        int value = (int)token;
        if (value < 0) value += dim;
        return Math.Clamp(value, 0, dim);
    }
}
