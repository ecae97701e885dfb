using System.Globalization;
using DeepNet.Keras.Datasets;
using ImdbLstm;

namespace DeepNet.Tests.Keras.Datasets;

/// <summary>
/// examples/ImdbLstm end to end on a small synthetic dataset shaped like IMDB (reviews of 40–200
/// word indices below 20000, labels 0/1): each review's sentiment shows only through a few words
/// of its class scattered among common and rare words (with some words of the other class as
/// noise), so a model that does not learn stays near 50% test accuracy.
/// </summary>
[Category("Slow")]
public class ImdbLstmSlowTests
{
    private static (int[][] Reviews, int[] Labels) Synthetic(Random rng, int count)
    {
        var reviews = new int[count][];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            int label = rng.Next(2);
            var review = new int[rng.Next(40, 201)];
            for (int i = 0; i < review.Length; i++)
            {
                double u = rng.NextDouble();
                // Raw indices (before Keras's +3 shift): sentiment words 1000–1004 (negative) and 1005–1009 (positive).
                review[i] = u < 0.10 ? 1000 + 5 * label + rng.Next(5)
                    : u < 0.12 ? 1000 + 5 * (1 - label) + rng.Next(5)
                    : u < 0.75 ? rng.Next(500)
                    : rng.Next(19000);
            }
            reviews[r] = review;
            labels[r] = label;
        }
        return (reviews, labels);
    }

    [Test]
    public void Example_TwoEpochsOnSyntheticReviews_LearnsTheSentimentWords()
    {
        string dir = Path.Combine(Path.GetTempPath(), "deepnet-imdb-slow-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var rng = new Random(7);
            var (train, trainLabels) = Synthetic(rng, 960);
            var (test, testLabels) = Synthetic(rng, 320);
            ImdbTests.WriteConverted(Path.Combine(dir, Imdb.ConvertedFileName), train, trainLabels, test, testLabels);

            var output = new StringWriter();
            var errors = new StringWriter();
            int code = ImdbLstmExample.Run(["--data", dir, "--epochs", "2", "--seed", "1", "--backend", "cpu"], output, errors);
            TestContext.Out.WriteLine(output.ToString());
            Assert.That(code, Is.EqualTo(0), errors.ToString());

            string last = output.ToString().TrimEnd().Split('\n')[^1].Trim();
            Assert.That(last, Does.Match(@"^test_loss: [0-9.]+ - test_accuracy: [0-9.]+$"));
            double accuracy = double.Parse(last[(last.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            Assert.That(accuracy, Is.GreaterThanOrEqualTo(0.85));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
