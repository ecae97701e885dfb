namespace DeepNet.Keras.Training;

/// <summary>
/// The running mean of the loss over an epoch, weighted by batch size, as Keras 3's loss tracker
/// (keras-compat §5.3); one more per output for multi-output models.
/// </summary>
internal sealed class LossTracker
{
    private double _sum;
    private double _count;
    private readonly double[] _outputSums;
    private readonly bool[] _hasOutput;

    public LossTracker(int outputs)
    {
        _outputSums = new double[outputs];
        _hasOutput = new bool[outputs];
    }

    public void Update(double loss, double?[] perOutput, int batchSize)
    {
        _sum += loss * batchSize;
        _count += batchSize;
        for (int i = 0; i < perOutput.Length && i < _outputSums.Length; i++)
        {
            if (perOutput[i] is double v)
            {
                _outputSums[i] += v * batchSize;
                _hasOutput[i] = true;
            }
        }
    }

    public double Mean => _count == 0 ? 0 : _sum / _count;

    public double? OutputMean(int i) => _hasOutput[i] && _count > 0 ? _outputSums[i] / _count : null;
}
