using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// √(weighted mean of (y_pred − y_true)²) over everything seen (Keras
/// <c>RootMeanSquaredError</c>, name "root_mean_squared_error"): the root of the running mean,
/// not the mean of per-batch roots.
/// </summary>
public sealed class RootMeanSquaredError : Mean
{
    public RootMeanSquaredError(string name = "root_mean_squared_error") : base(name) { }

    public override string ClassName => "RootMeanSquaredError";

    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (t, p) = HostArray.SqueezeOrExpand(HostArray.Read(yTrue), HostArray.Read(yPred));
        var shape = t.Rank >= p.Rank ? t.Shape : p.Shape;
        t = t.BroadcastTo(shape, Name);
        p = p.BroadcastTo(shape, Name);
        var squares = new double[t.Length];
        for (int i = 0; i < squares.Length; i++)
        {
            double e = (float)p.Data[i] - (float)t.Data[i];
            squares[i] = e * e;
        }
        Accumulate(new HostArray(squares, shape), sampleWeight is null ? null : HostArray.Read(sampleWeight));
    }

    public override double Result() => Math.Sqrt(base.Result());

    public static new RootMeanSquaredError FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "root_mean_squared_error");
}
