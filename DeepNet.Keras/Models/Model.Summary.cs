using System.Globalization;
using System.Text;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;

namespace DeepNet.Keras;

// model.summary() in Keras 3's layout (keras/src/utils/summary_utils.py, drawn there by `rich`):
// a heavy-headed box table, one row per layer with a separator line between rows, then the
// parameter totals with thousands separators and sizes in base-1024 units.
public partial class Model
{
    /// <summary>Prints the summary table (Keras <c>model.summary()</c>) to <paramref name="output"/> (the console by default).</summary>
    public void Summary(TextWriter? output = null)
    {
        var text = SummaryText();
        (output ?? Console.Out).Write(text);
    }

    // Cell widths (inside the borders, padding included) of Keras 3's tables: 88 columns with
    // column stops at 0.45/0.80/1.0 for sequential-like models, 108 with 0.30/0.56/0.74/1.0 otherwise.
    private static readonly int[] s_sequentialWidths = RichColumnWidths([0.45, 0.80, 1.0], 88);
    private static readonly int[] s_functionalWidths = RichColumnWidths([0.30, 0.56, 0.74, 1.0], 108);

    /// <summary>
    /// The widths `rich` gives Keras's fixed-width columns in a table of <paramref name="lineLength"/>
    /// columns: each column's share of the line (from its stop) plus one space of padding on either
    /// side; when that overflows the line less its borders, the excess is taken from the columns in
    /// turn, each giving its rounded share of what is left to take (Python's round, half to even).
    /// </summary>
    internal static int[] RichColumnWidths(double[] stops, int lineLength)
    {
        var widths = new int[stops.Length];
        int current = 0;
        for (int i = 0; i < stops.Length; i++)
        {
            int width = (int)(stops[i] * lineLength) - current;
            current += width;
            widths[i] = width + 2;
        }
        int available = lineLength - (stops.Length + 1);
        int excess = widths.Sum() - available;
        for (int i = 0, left = widths.Length; excess > 0 && i < widths.Length; i++, left--)
        {
            int take = Math.Min(widths[i], (int)Math.Round((double)excess / left, MidpointRounding.ToEven));
            widths[i] -= take;
            excess -= take;
        }
        return widths;
    }

    /// <summary>The summary table as text (lines end with \n).</summary>
    public string SummaryText()
    {
        var layers = Layers;
        bool sequentialLike = IsSequentialLike();
        string[] header = sequentialLike ? ["Layer (type)", "Output Shape", "Param #"] : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
        bool[] right = sequentialLike ? [false, false, true] : [false, false, true, false];
        int[] widths = sequentialLike ? s_sequentialWidths : s_functionalWidths;

        var sb = new StringBuilder();
        sb.Append($"Model: \"{Name}\"\n");
        sb.Append(Border('┏', '━', '┳', '┓', widths));
        sb.Append(Row(header.Select(h => new[] { h }).ToArray(), widths, right, '┃'));
        sb.Append(Border('┡', '━', '╇', '┩', widths));
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var cells = new List<string[]>
            {
                new[] { $"{layer.Name} ({layer.ClassName})" },
                new[] { OutputShapeText(layer) },
                new[] { ParamText(layer) },
            };
            if (!sequentialLike) cells.Add(ConnectedTo(layer));
            sb.Append(Row(cells.ToArray(), widths, right, '│'));
            sb.Append(i == layers.Count - 1 ? Border('└', '─', '┴', '┘', widths) : Border('├', '─', '┼', '┤', widths));
        }
        if (layers.Count == 0) sb.Append(Border('└', '─', '┴', '┘', widths));

        long trainable = TrainableWeights.Sum(v => v.Shape.Size);
        long nonTrainable = NonTrainableWeights.Sum(v => v.Shape.Size);
        sb.Append($" Total params: {Count(trainable + nonTrainable)} ({ReadableSize((trainable + nonTrainable) * 4)})\n");
        sb.Append($" Trainable params: {Count(trainable)} ({ReadableSize(trainable * 4)})\n");
        sb.Append($" Non-trainable params: {Count(nonTrainable)} ({ReadableSize(nonTrainable * 4)})\n");
        if (_optimizer is not null && _optimizer.Variables.Count > 0)
        {
            long optimizerParams = _optimizer.Variables.Sum(v => v.Shape.Size);
            sb.Append($" Optimizer params: {Count(optimizerParams)} ({ReadableSize(optimizerParams * 4)})\n");
        }
        return sb.ToString();
    }

    /// <summary>Every layer has one node in this model, fed by the previous layer's output (Keras's test).</summary>
    private bool IsSequentialLike()
    {
        if (this is Sequential || !IsFunctional) return true;
        if (Inputs.Count != 1 || Outputs.Count != 1) return false;
        Layer? previous = null;
        foreach (var node in GraphNodes)
        {
            if (node.IsInput)
            {
                previous = node.Layer;
                continue;
            }
            if (node.Inputs.Count != 1 || !ReferenceEquals(node.Inputs[0].Layer, previous)) return false;
            if (GraphNodes.Count(n => ReferenceEquals(n.Layer, node.Layer)) != 1) return false;
            previous = node.Layer;
        }
        return true;
    }

    private Node? NodeOf(Layer layer) => GraphNodes.FirstOrDefault(n => ReferenceEquals(n.Layer, layer));

    private string OutputShapeText(Layer layer)
    {
        var node = NodeOf(layer);
        if (node is null) return "?";
        return node.Outputs.Count == 1 ? node.Outputs[0].Shape.ToString() : "[" + string.Join(", ", node.Outputs.Select(o => o.Shape)) + "]";
    }

    private static string ParamText(Layer layer) =>
        layer.Built ? Count(layer.Weights.Sum(v => v.Shape.Size)) : "0 (unbuilt)";

    private string[] ConnectedTo(Layer layer)
    {
        var node = NodeOf(layer);
        if (node is null || node.IsInput) return ["-"];
        return node.Inputs.Select(t => $"{t.Layer.Name}[{t.NodeIndex}][{t.TensorIndex}]").ToArray();
    }

    private static string Count(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Keras's readable_memory_size: base 1024, two decimals (<c>2.55 MB</c>, <c>0.00 B</c>).</summary>
    internal static string ReadableSize(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        foreach (var unit in units)
        {
            if (bytes / 1024 < 1) return bytes.ToString("F2", CultureInfo.InvariantCulture) + " " + unit;
            bytes /= 1024;
        }
        return bytes.ToString("F2", CultureInfo.InvariantCulture) + " PB";
    }

    private static string Border(char left, char fill, char join, char rightEnd, int[] widths)
    {
        var sb = new StringBuilder();
        sb.Append(left);
        for (int i = 0; i < widths.Length; i++)
        {
            sb.Append(fill, widths[i]);
            sb.Append(i == widths.Length - 1 ? rightEnd : join);
        }
        return sb.Append('\n').ToString();
    }

    /// <summary>One table row; long cell text wraps onto extra lines, as rich does.</summary>
    private static string Row(string[][] cells, int[] widths, bool[] right, char bar)
    {
        var wrapped = new List<string>[cells.Length];
        for (int c = 0; c < cells.Length; c++)
        {
            wrapped[c] = new List<string>();
            int content = widths[c] - 2;
            foreach (var line in cells[c])
            {
                for (int start = 0; start < line.Length || start == 0; start += content)
                {
                    wrapped[c].Add(line.Length <= start + content ? line[start..] : line.Substring(start, content));
                    if (line.Length <= start + content) break;
                }
            }
        }
        int height = wrapped.Max(w => w.Count);
        var sb = new StringBuilder();
        for (int r = 0; r < height; r++)
        {
            sb.Append(bar);
            for (int c = 0; c < cells.Length; c++)
            {
                string text = r < wrapped[c].Count ? wrapped[c][r] : "";
                int content = widths[c] - 2;
                sb.Append(' ').Append(right[c] ? text.PadLeft(content) : text.PadRight(content)).Append(' ').Append(bar);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
