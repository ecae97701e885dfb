namespace DeepNet.Keras.Metrics;

/// <summary>
/// Weighted true/false positive/negative counts at a list of thresholds, accumulated on the host
/// the way Keras's <c>update_confusion_matrix_variables</c> does: an entry is predicted positive
/// when its score is strictly greater than the threshold, and a label is positive when non-zero.
/// </summary>
internal sealed class ConfusionCounts
{
    public ConfusionCounts(double[] thresholds, bool evenlySpaced)
    {
        Thresholds = thresholds;
        EvenlySpaced = evenlySpaced;
        TruePositives = new double[thresholds.Length];
        FalsePositives = new double[thresholds.Length];
        TrueNegatives = new double[thresholds.Length];
        FalseNegatives = new double[thresholds.Length];
    }

    public double[] Thresholds { get; }

    /// <summary>Thresholds i/(n−1) (ends may sit ε outside [0, 1]): Keras then buckets instead of comparing.</summary>
    public bool EvenlySpaced { get; }

    public double[] TruePositives { get; }

    public double[] FalsePositives { get; }

    public double[] TrueNegatives { get; }

    public double[] FalseNegatives { get; }

    public void Reset()
    {
        Array.Clear(TruePositives);
        Array.Clear(FalsePositives);
        Array.Clear(TrueNegatives);
        Array.Clear(FalseNegatives);
    }

    /// <summary>Adds one batch: labels, scores and weights of equal length.</summary>
    public void Update(double[] labels, double[] scores, double[] weights)
    {
        int n = Thresholds.Length;
        if (EvenlySpaced)
        {
            // Keras's bucketed path: bucket = ceil(p·(n−1)) − 1 on the clipped score (float32
            // arithmetic), clamped at 0 when the first threshold lies below 0; a score counts as
            // positive at every threshold up to its bucket (reverse cumulative sum).
            bool withEpsilon = Thresholds[0] < 0.0 || Thresholds[^1] > 1.0;
            var tpBucket = new double[n];
            var fpBucket = new double[n];
            double totalTrue = 0, totalFalse = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                float p = Math.Clamp((float)scores[i], 0f, 1f);
                int bucket = (int)(MathF.Ceiling(p * (float)(n - 1)) - 1f);
                if (withEpsilon && bucket < 0) bucket = 0;
                bool positive = labels[i] != 0;
                double w = weights[i];
                if (positive) totalTrue += w; else totalFalse += w;
                if (bucket < 0 || bucket >= n) continue;
                if (positive) tpBucket[bucket] += w; else fpBucket[bucket] += w;
            }
            double tp = 0, fp = 0;
            for (int t = n - 1; t >= 0; t--)
            {
                tp += tpBucket[t];
                fp += fpBucket[t];
                TruePositives[t] += tp;
                FalsePositives[t] += fp;
                TrueNegatives[t] += totalFalse - fp;
                FalseNegatives[t] += totalTrue - tp;
            }
            return;
        }
        for (int t = 0; t < n; t++)
        {
            float threshold = (float)Thresholds[t];
            double tp = 0, fp = 0, tn = 0, fn = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                bool predicted = (float)scores[i] > threshold;
                bool positive = labels[i] != 0;
                double w = weights[i];
                if (positive) { if (predicted) tp += w; else fn += w; }
                else { if (predicted) fp += w; else tn += w; }
            }
            TruePositives[t] += tp;
            FalsePositives[t] += fp;
            TrueNegatives[t] += tn;
            FalseNegatives[t] += fn;
        }
    }

    /// <summary>Keras's <c>is_evenly_distributed_thresholds</c>: at least 3 values, each within ε of i/(n−1).</summary>
    public static bool IsEvenlyDistributed(double[] thresholds)
    {
        int n = thresholds.Length;
        if (n < 3) return false;
        for (int i = 0; i < n; i++)
        {
            double even = (float)i / (float)(n - 1);
            // numpy allclose: |a − b| ≤ atol + rtol·|b| with rtol 1e-5.
            if (Math.Abs(thresholds[i] - even) > 1e-7 + 1e-5 * Math.Abs(even)) return false;
        }
        return true;
    }

    /// <summary>
    /// Labels, scores and per-element weights of one batch, as Keras lines them up: the two are
    /// squeezed or expanded to the same rank; weights (per sample or per element) broadcast to
    /// the scores; <paramref name="topK"/> keeps only each row's k highest scores (others become
    /// −1e10); <paramref name="classId"/> keeps one column.
    /// </summary>
    public static (double[] Labels, double[] Scores, double[] Weights) Prepare(
        Tensor yTrue, Tensor yPred, Tensor? sampleWeight, int? topK, int? classId, string metric)
    {
        var (p, t) = HostArray.SqueezeOrExpand(HostArray.Read(yPred), HostArray.Read(yTrue));
        if (t.Length != p.Length)
            throw new ShapeMismatchException(metric, $"labels {yTrue.Shape} and predictions {yPred.Shape} must have the same number of elements.");
        double[] weights;
        if (sampleWeight is null)
        {
            weights = new double[p.Length];
            Array.Fill(weights, 1.0);
        }
        else
        {
            var w = HostArray.Read(sampleWeight);
            // Keras expands the weights by one axis, then matches them to the labels' rank.
            w = w.WithShape([.. w.Shape, 1]);
            (_, w) = HostArray.SqueezeOrExpand(t, w, expandRank1: false);
            weights = w.BroadcastTo(p.Shape, metric).Data;
        }
        var scores = p.Data;
        var labels = t.Data;
        if (topK is int k)
        {
            scores = (double[])scores.Clone();
            int classes = p.Last;
            for (int r = 0; r < scores.Length / classes; r++)
            {
                var row = new Span<double>(scores, r * classes, classes);
                var kept = TopIndices(row, k);
                for (int j = 0; j < classes; j++)
                    if (!kept.Contains(j)) row[j] = NegativeInfinity;
            }
        }
        if (classId is int c)
        {
            if (p.Rank < 2)
                throw new ArgumentException($"{metric}: when class_id is provided, y_pred must be a 2D array with shape (num_samples, num_classes), found shape: {yPred.Shape}.");
            int classes = p.Last;
            if (c < 0 || c >= classes)
                throw new ArgumentOutOfRangeException(nameof(classId), $"{metric}: class_id {c} is outside [0, {classes}).");
            int rows = scores.Length / classes;
            var s = new double[rows];
            var l = new double[rows];
            var w = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                s[r] = scores[r * classes + c];
                l[r] = labels[r * classes + c];
                w[r] = weights[r * classes + c];
            }
            return (l, s, w);
        }
        return (labels, scores, weights);
    }

    /// <summary>Keras's NEG_INF for scores outside the top k.</summary>
    public const double NegativeInfinity = -1e10;

    /// <summary>Indices of the k largest values (ties to the lower index, as top_k does).</summary>
    private static HashSet<int> TopIndices(ReadOnlySpan<double> row, int k)
    {
        var order = new int[row.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var values = row.ToArray();
        Array.Sort(order, (a, b) => values[b].CompareTo(values[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return new HashSet<int>(order.Take(Math.Min(k, order.Length)));
    }
}
