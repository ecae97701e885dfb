namespace DeepNet.Keras.Training;

/// <summary>
/// Turns Keras's <c>class_weight</c> into per-sample weights (keras-compat §5.6): one-hot labels
/// (last dim &gt; 1) use their argmax, (N, 1) labels are squeezed, labels are rounded to the
/// nearest int, and classes missing from the dictionary weigh 1.
/// </summary>
internal static class ClassWeights
{
    public static SampleArray ToSampleWeights(SampleArray y, IReadOnlyDictionary<int, double> classWeight)
    {
        int n = y.Count;
        int width = y.SampleSize;
        bool oneHot = y.SampleDims.Length > 0 && y.SampleDims[^1] > 1;
        if (!oneHot && width != 1)
            throw new ArgumentException($"`class_weight` needs integer labels of shape (N,) or (N, 1), or one-hot labels; received targets of shape {y.Shape}.");
        var weights = new float[n];
        for (int i = 0; i < n; i++)
        {
            int cls;
            if (oneHot)
            {
                int best = 0;
                double bestValue = double.NegativeInfinity;
                for (int j = 0; j < width; j++)
                {
                    double v = y.Element((long)i * width + j);
                    if (v > bestValue)
                    {
                        bestValue = v;
                        best = j;
                    }
                }
                cls = best;
            }
            else cls = (int)Math.Round(y.Element(i), MidpointRounding.ToEven);
            weights[i] = classWeight.TryGetValue(cls, out double w) ? (float)w : 1f;
        }
        return SampleArray.FromFloats(weights, n);
    }
}
