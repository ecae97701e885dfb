using DeepNet.Keras.Metrics;
using static DeepNet.Tests.Keras.LeafTestData;

namespace DeepNet.Tests.Keras.Metrics;

/// <summary>Precision, Recall and AUC against float64 references of Keras's confusion-matrix rules.</summary>
public class ConfusionMetricTests
{
    /// <summary>Weighted (tp, fp, tn, fn) at one threshold: predicted positive when score &gt; threshold.</summary>
    private static (double Tp, double Fp, double Tn, double Fn) Counts(double[] t, double[] p, double[] w, double threshold)
    {
        double tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < t.Length; i++)
        {
            bool pred = p[i] > threshold, pos = t[i] != 0;
            if (pos && pred) tp += w[i]; else if (pos) fn += w[i]; else if (pred) fp += w[i]; else tn += w[i];
        }
        return (tp, fp, tn, fn);
    }

    private static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    [Test]
    public void PrecisionAndRecall_DefaultThreshold_AccumulateWeighted()
    {
        var rng = new Random(1);
        var precision = new Precision();
        var recall = new Recall();
        var t = new List<double>(); var p = new List<double>(); var w = new List<double>();
        foreach (int n in new[] { 10, 7 })
        {
            var bt = Binary(rng, n); var bp = Uniform(rng, n, 0, 1); var bw = Uniform(rng, n, 0, 2);
            precision.UpdateState(Tensor(bt, n, 1), Tensor(bp, n, 1), Tensor(bw, n));
            recall.UpdateState(Tensor(bt, n), Tensor(bp, n, 1), Tensor(bw, n));
            t.AddRange(bt); p.AddRange(bp); w.AddRange(bw);
        }
        var c = Counts([.. t], [.. p], [.. w], 0.5);
        AssertClose(precision.Result(), c.Tp / (c.Tp + c.Fp), 1e-12, 1e-12);
        AssertClose(recall.Result(), c.Tp / (c.Tp + c.Fn), 1e-12, 1e-12);
        precision.ResetState();
        Assert.That(precision.Result(), Is.EqualTo(0.0));
    }

    [Test]
    public void Precision_SeveralThresholds_GivesOneValuePerThreshold()
    {
        var rng = new Random(2);
        var t = Binary(rng, 30); var p = Uniform(rng, 30, 0, 1);
        var metric = new Precision(thresholds: [0.2, 0.7]);
        metric.UpdateState(Tensor(t, 30), Tensor(p, 30));
        var values = metric.ResultPerThreshold();
        for (int i = 0; i < 2; i++)
        {
            var c = Counts(t, p, Ones(30), i == 0 ? 0.2 : 0.7);
            AssertClose(values[i], c.Tp / (c.Tp + c.Fp), 1e-12, 1e-12);
        }
        Assert.That(metric.Result(), Is.EqualTo(values[0]));
    }

    [Test]
    public void Recall_ClassId_LooksAtOneColumn()
    {
        var rng = new Random(3);
        var t = Binary(rng, 12 * 3); var p = Uniform(rng, 12 * 3, 0, 1);
        var metric = new Recall(classId: 1);
        metric.UpdateState(Tensor(t, 12, 3), Tensor(p, 12, 3));
        var ct = Enumerable.Range(0, 12).Select(r => t[r * 3 + 1]).ToArray();
        var cp = Enumerable.Range(0, 12).Select(r => p[r * 3 + 1]).ToArray();
        var c = Counts(ct, cp, Ones(12), 0.5);
        AssertClose(metric.Result(), c.Tp / (c.Tp + c.Fn), 1e-12, 1e-12);
    }

    [Test]
    public void Precision_TopK_CountsOnlyTheKHighestScoresAsPositive()
    {
        // Row 0: top-2 are classes 1 and 3; labels 1 and 2 ⇒ tp 1, fp 1. Row 1: top-2 are 0 and 2; label 0 ⇒ tp 1, fp 1.
        var metric = new Precision(topK: 2);
        metric.UpdateState(Tensor([0, 1, 1, 0, 1, 0, 0, 0], 2, 4), Tensor([0.1, 0.9, 0.3, 0.8, 0.7, 0.1, 0.6, 0.2], 2, 4));
        Assert.That(metric.Result(), Is.EqualTo(0.5));
    }

    /// <summary>Keras's AUC from counts at the thresholds, written directly from the formulas.</summary>
    private static double AucReference(double[] t, double[] p, double[] w, int n, string curve, string method)
    {
        var thresholds = new double[n];
        thresholds[0] = -1e-7; thresholds[n - 1] = 1 + 1e-7;
        for (int i = 1; i < n - 1; i++) thresholds[i] = i / (double)(n - 1);
        var x = new double[n]; var y = new double[n];
        var tp = new double[n]; var fp = new double[n]; var fn = new double[n];
        for (int i = 0; i < n; i++)
        {
            var c = Counts(t, p, w, thresholds[i]);
            tp[i] = c.Tp; fp[i] = c.Fp; fn[i] = c.Fn;
            double recall = c.Tp + c.Fn == 0 ? 0 : c.Tp / (c.Tp + c.Fn);
            if (curve == "ROC") { x[i] = c.Fp + c.Tn == 0 ? 0 : c.Fp / (c.Fp + c.Tn); y[i] = recall; }
            else { x[i] = recall; y[i] = c.Tp + c.Fp == 0 ? 0 : c.Tp / (c.Tp + c.Fp); }
        }
        double area = 0;
        if (curve == "PR" && method == "interpolation")
        {
            for (int i = 0; i < n - 1; i++)
            {
                double dtp = tp[i] - tp[i + 1];
                double p0 = tp[i] + fp[i], p1 = tp[i + 1] + fp[i + 1], dp = p0 - p1;
                double slope = dp > 0 ? dtp / dp : 0;
                double intercept = tp[i + 1] - slope * p1;
                double ratio = p0 > 0 && p1 > 0 ? p0 / p1 : 1;
                double denominator = tp[i + 1] + fn[i + 1];
                area += denominator > 0 ? slope * (dtp + intercept * Math.Log(ratio)) / denominator : 0;
            }
            return area;
        }
        for (int i = 0; i < n - 1; i++)
        {
            double h = method switch { "interpolation" => (y[i] + y[i + 1]) / 2, "minoring" => Math.Min(y[i], y[i + 1]), _ => Math.Max(y[i], y[i + 1]) };
            area += (x[i] - x[i + 1]) * h;
        }
        return area;
    }

    /// <summary>Scores that sit between thresholds (so float32 bucketing and direct comparison agree), with a signal.</summary>
    private static (double[] T, double[] P) Scored(Random rng, int count, int numThresholds)
    {
        var t = Binary(rng, count);
        var p = new double[count];
        for (int i = 0; i < count; i++)
        {
            double raw = Math.Clamp(0.5 + (t[i] - 0.5) * 0.6 + (rng.NextDouble() - 0.5) * 0.8, 0.001, 0.999);
            double step = 1.0 / (numThresholds - 1);
            p[i] = (float)((Math.Floor(raw / step) + 0.37) * step);
        }
        return (t, p);
    }

    [TestCase("ROC", "interpolation", 200)]
    [TestCase("ROC", "minoring", 200)]
    [TestCase("ROC", "majoring", 50)]
    [TestCase("PR", "interpolation", 200)]
    [TestCase("PR", "minoring", 200)]
    [TestCase("PR", "majoring", 33)]
    public void AUC_MatchesKerasThresholdedArea(string curve, string method, int numThresholds)
    {
        var rng = new Random(4);
        var metric = new AUC(numThresholds, curve, method);
        var t = new List<double>(); var p = new List<double>(); var w = new List<double>();
        foreach (int n in new[] { 40, 25 })
        {
            var (bt, bp) = Scored(rng, n, numThresholds);
            var bw = Uniform(rng, n, 0.2, 2);
            metric.UpdateState(Tensor(bt, n, 1), Tensor(bp, n, 1), Tensor(bw, n));
            t.AddRange(bt); p.AddRange(bp); w.AddRange(bw);
        }
        AssertClose(metric.Result(), AucReference([.. t], [.. p], [.. w], numThresholds, curve, method), 1e-9, 1e-9);
    }

    [Test]
    public void AUC_Roc_IsCloseToTheExactRankStatistic()
    {
        var rng = new Random(5);
        var (t, p) = Scored(rng, 400, 1000);
        var metric = new AUC(numThresholds: 1000);
        metric.UpdateState(Tensor(t, 400), Tensor(p, 400));
        double pairs = 0, wins = 0;
        for (int i = 0; i < 400; i++) for (int j = 0; j < 400; j++)
            if (t[i] == 1 && t[j] == 0) { pairs++; wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0; }
        Assert.That(metric.Result(), Is.EqualTo(wins / pairs).Within(0.01));
    }

    [Test]
    public void AUC_FromLogits_AppliesSigmoid()
    {
        var rng = new Random(6);
        var (t, p) = Scored(rng, 50, 200);
        var logits = p.Select(v => Math.Log(v / (1 - v))).ToArray();
        var a = new AUC();
        var b = new AUC(fromLogits: true);
        a.UpdateState(Tensor(t, 50), Tensor(p, 50));
        b.UpdateState(Tensor(t, 50), Tensor(logits, 50));
        Assert.That(b.Result(), Is.EqualTo(a.Result()).Within(1e-6));
    }

    [Test]
    public void AUC_ExplicitThresholds_CompareDirectly()
    {
        var metric = new AUC(thresholds: [0.3, 0.6]);
        Assert.That(metric.NumThresholds, Is.EqualTo(4));
        Assert.That(metric.Thresholds, Is.EqualTo(new[] { -1e-7, 0.3, 0.6, 1 + 1e-7 }));
        var t = new double[] { 1, 1, 0, 0, 1, 0 };
        var p = new double[] { 0.9, 0.4, 0.5, 0.1, 0.7, 0.65 };
        metric.UpdateState(Tensor(t, 6), Tensor(p, 6));
        // Points (FPR, TPR) at -ε, 0.3, 0.6, 1+ε: (1,1), (2/3,1), (1/3,2/3), (0,0).
        double expected = (1 - 2.0 / 3) * 1 + (2.0 / 3 - 1.0 / 3) * (1 + 2.0 / 3) / 2 + (1.0 / 3) * (2.0 / 3) / 2;
        AssertClose(metric.Result(), expected, 1e-12, 1e-12);
    }

    [Test]
    public void AUC_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AUC(numThresholds: 1));
        Assert.Throws<ArgumentException>(() => new AUC(curve: "XY"));
        Assert.Throws<ArgumentException>(() => new AUC(summationMethod: "simpson"));
    }
}
