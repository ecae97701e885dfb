namespace DeepNet.Keras.Metrics;

/// <summary>
/// TensorFlow's <c>in_top_k</c>: the target is in the top k when fewer than k classes score
/// strictly higher than it (so ties at the boundary count as in), and never when a score is
/// not finite.
/// </summary>
internal static class TopK
{
    public static double[] InTopK(int[] targets, HostArray predictions, int k)
    {
        int classes = predictions.Last;
        var result = new double[targets.Length];
        for (int r = 0; r < targets.Length; r++)
        {
            int target = targets[r];
            if (target < 0 || target >= classes) continue;
            double score = predictions.Data[r * classes + target];
            bool finite = double.IsFinite(score);
            int higher = 0;
            for (int j = 0; j < classes && finite; j++)
            {
                double v = predictions.Data[r * classes + j];
                if (!double.IsFinite(v)) finite = false;
                else if (v > score) higher++;
            }
            result[r] = finite && higher < k ? 1 : 0;
        }
        return result;
    }
}
