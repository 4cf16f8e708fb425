using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>
/// The anomaly detector on the streaming path: a first pass counts the rows (for the automatic defaults) and takes
/// their exact mean and variance, training streams standardized rows, and a last pass scores every training row (one
/// float each) for the exact contamination quantile. With a pool holding every row it is the in-memory detector.
/// </summary>
public class StreamingDetectorTests
{
    private static AutoencoderAnomalyOptions Options(TrainingDataMode mode, int pool, AutoencoderKind kind = AutoencoderKind.Undercomplete, bool density = true)
    {
        var options = new AutoencoderAnomalyOptions { Contamination = 0.1f, ScoreCodeDensity = density, VaeScoringSamples = 3 };
        options.Autoencoder.Kind = kind;
        options.Autoencoder.NumberOfEpochs = 4;
        options.Autoencoder.Seed = 5;
        options.Autoencoder.ValidationFraction = 0.2f;
        options.Autoencoder.DataMode = mode;
        options.Autoencoder.ShufflePoolRows = pool;
        return options;
    }

    /// <summary>400 manifold rows with 5 % shifted outliers, offset and scaled so that standardization matters.</summary>
    private static float[][] Rows(int seed = 0)
    {
        var rows = SyntheticData.Manifold(400, seed: seed);
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++)
                rows[i][j] = rows[i][j] * (1 + j) + 10 * j + (i % 20 == 0 ? 3 : 0);
        return rows;
    }

    private static (AutoencoderAnomalyPredictionTransformer Model, List<string> Log) Fit(AutoencoderAnomalyOptions options, IDataView data)
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        return (ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(data), log);
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete, true)]
    [InlineData(AutoencoderKind.Undercomplete, false)]
    [InlineData(AutoencoderKind.Variational, true)]
    public void WithAPoolHoldingEveryRowTheStreamedDetectorIsTheInMemoryOne(AutoencoderKind kind, bool density)
    {
        var rows = Rows();
        var view = new CountingDataView(new MLContext().ToDataView(rows));

        var (inMemory, memoryLog) = Fit(Options(TrainingDataMode.InMemory, 400, kind, density), new MLContext().ToDataView(rows));
        var (streamed, streamLog) = Fit(Options(TrainingDataMode.Streaming, 400, kind, density), view);
        using (inMemory)
        using (streamed)
        {
            Assert.Contains(memoryLog, m => m.Contains("Training rows in memory"));
            Assert.Contains(streamLog, m => m.Contains("Training rows streamed through cursors"));
            // A counting and moments pass, one per epoch, one scoring pass.
            Assert.Equal(1 + 4 + 1, view.CursorsOpened);
            Assert.Equal(inMemory.Model.FeatureMeans, streamed.Model.FeatureMeans);
            Assert.Equal(inMemory.Model.FeatureScales, streamed.Model.FeatureScales);
            Assert.Equal(inMemory.Threshold, streamed.Threshold);
            var probe = new MLContext().ToDataView(Rows(seed: 4));
            var expected = inMemory.Transform(probe).ScalarColumn("Score");
            var actual = streamed.Transform(probe).ScalarColumn("Score");
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void WithASmallPoolTheStandardizationIsExactAndTheThresholdIsTheExactQuantileOfTheTrainingScores()
    {
        var rows = Rows();
        var (inMemory, _) = Fit(Options(TrainingDataMode.InMemory, 400), new MLContext().ToDataView(rows));
        var (streamed, log) = Fit(Options(TrainingDataMode.Streaming, 16), new MLContext().ToDataView(rows));
        using (inMemory)
        using (streamed)
        {
            Assert.Contains(log, m => m.Contains("a shuffle pool of 16 rows of 16"));
            Assert.Equal(inMemory.Model.FeatureMeans, streamed.Model.FeatureMeans);
            Assert.Equal(inMemory.Model.FeatureScales, streamed.Model.FeatureScales);
            var (means, deviations) = MeansAndDeviations(rows);
            for (var j = 0; j < 16; j++)
            {
                Assert.Equal(means[j], streamed.Model.FeatureMeans[j], 1e-5 * Math.Max(1, Math.Abs(means[j])));
                Assert.Equal(deviations[j], streamed.Model.FeatureScales[j], 1e-5 * deviations[j]);
            }
            var trainingScores = streamed.Transform(new MLContext().ToDataView(rows)).ScalarColumn("Score").Order().ToArray();
            var position = (trainingScores.Length - 1) * 0.9;
            var below = (int)Math.Floor(position);
            var quantile = trainingScores[below] + (position - below) * (trainingScores[below + 1] - trainingScores[below]);
            Assert.Equal(quantile, streamed.Threshold, 1e-5 * Math.Abs(quantile));
            Assert.NotEqual(inMemory.Threshold, streamed.Threshold); // another model: trained through the small pool
        }
    }

    private static (double[] Means, double[] Deviations) MeansAndDeviations(float[][] rows)
    {
        var features = rows[0].Length;
        var means = Enumerable.Range(0, features).Select(j => rows.Average(r => (double)r[j])).ToArray();
        var deviations = Enumerable.Range(0, features).Select(j => Math.Sqrt(rows.Average(r => (r[j] - means[j]) * (r[j] - means[j])))).ToArray();
        return (means, deviations);
    }

    [Fact]
    public void AutomaticStreamsTheDetectorsRowsBeyondTheBudget()
    {
        var options = Options(TrainingDataMode.Automatic, 65536);
        options.Autoencoder.MemoryBudgetBytes = 10_000; // 400 x 16 x 4 = 25,600 bytes

        var (model, log) = Fit(options, new MLContext().ToDataView(Rows()));
        using (model)
        {
            Assert.Contains(log, m => m.Contains("more than the memory budget of 10,000 bytes"));
            Assert.Contains(log, m => m.Contains("a shuffle pool of 156 rows of 16"));
            Assert.Contains(log, m => m.Contains("quantile of the 400 training scores"));
        }
    }
}
