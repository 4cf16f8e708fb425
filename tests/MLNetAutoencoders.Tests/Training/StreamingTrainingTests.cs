using System.Text.RegularExpressions;
using Microsoft.ML;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>
/// Streaming training (<see cref="AutoencoderOptions.DataMode"/>): every epoch reads the view through a cursor into a
/// bounded shuffle pool. With a pool holding every row it trains the in-memory model bit for bit; with a small pool it
/// holds no more than the pool and still learns; Automatic chooses by the memory budget; validation, early stopping,
/// non-finite rows, cancellation and determinism behave as in memory.
/// </summary>
public class StreamingTrainingTests
{
    private static AutoencoderOptions Options(TrainingDataMode mode, int pool = 65536, AutoencoderKind kind = AutoencoderKind.Undercomplete) => new()
    {
        Kind = kind,
        LatentDimension = 3,
        HiddenLayerSizes = [12],
        NumberOfEpochs = 4,
        BatchSize = 16,
        Seed = 11,
        DataMode = mode,
        ShufflePoolRows = pool,
    };

    private static float[][] Weights(AutoencoderNetwork network) =>
        network.parameters().Select(p => p.data<float>().ToArray()).ToArray();

    private static (AutoencoderEmbeddingTransformer Model, List<string> Log) Fit(AutoencoderOptions options, IDataView data, MLContext? ml = null)
    {
        ml ??= new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        return (ml.Transforms.Autoencoder(options).Fit(data), log);
    }

    private static bool Streamed(List<string> log) => log.Any(m => m.Contains("Training rows streamed through cursors"));

    private static bool InMemory(List<string> log) => log.Any(m => m.Contains("Training rows in memory"));

    private static int PeakPoolRows(List<string> log) =>
        int.Parse(Regex.Match(log.Single(m => m.Contains("the shuffle pool held at most")), @"held at most ([\d,]+) of").Groups[1].Value.Replace(",", ""));

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete, 0f, 0)]
    [InlineData(AutoencoderKind.Undercomplete, 0.25f, 2)]
    [InlineData(AutoencoderKind.Denoising, 0.2f, 0)]
    [InlineData(AutoencoderKind.Variational, 0.25f, 1)]
    public void APoolHoldingEveryRowTrainsTheInMemoryModelBitForBit(AutoencoderKind kind, float validation, int patience)
    {
        var rows = SyntheticData.Manifold(300);
        AutoencoderOptions Make(TrainingDataMode mode)
        {
            var o = Options(mode, pool: 300, kind);
            o.ValidationFraction = validation;
            o.EarlyStoppingPatience = patience;
            o.NumberOfEpochs = patience > 0 ? 40 : 4;
            o.LearningRate = patience > 0 ? 0.05 : 1e-3;
            o.Corruption = CorruptionKind.SaltAndPepper; // reads the feature range: a streaming pass of its own
            return o;
        }

        var (inMemory, memoryLog) = Fit(Make(TrainingDataMode.InMemory), new MLContext().ToDataView(rows));
        var (streamed, streamLog) = Fit(Make(TrainingDataMode.Streaming), new MLContext().ToDataView(rows));
        using (inMemory)
        using (streamed)
        {
            Assert.True(InMemory(memoryLog) && Streamed(streamLog));
            Assert.Equal(inMemory.TrainingLoss, streamed.TrainingLoss);
            Assert.Equal(inMemory.ValidationLoss, streamed.ValidationLoss);
            Assert.Equal(validation > 0, streamed.ValidationLoss.Count > 0);
            if (patience > 0)
                Assert.True(streamed.TrainingLoss.Count < 40, "early stopping never triggered");
            Assert.Equal(Weights(inMemory.Module), Weights(streamed.Module));
            var probe = new MLContext().ToDataView(SyntheticData.Manifold(50, seed: 9));
            Assert.Equal(inMemory.Transform(probe).VectorColumn("Reconstruction"), streamed.Transform(probe).VectorColumn("Reconstruction"));
        }
    }

    /// <summary>The rows as a view that cannot shuffle (LoadFromEnumerable) or one that can (a cache).</summary>
    private static CountingDataView View(float[][] rows, bool canShuffle)
    {
        var ml = new MLContext(seed: 1);
        var view = ml.ToDataView(rows);
        var counted = new CountingDataView(canShuffle ? ml.Data.Cache(view) : view);
        Assert.Equal(canShuffle, counted.CanShuffle);
        return counted;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASmallPoolHoldsAtMostItsRowsAndStillLearns(bool shufflingView)
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(500);
        var heldOut = SyntheticData.Manifold(200, seed: 3);
        var options = Options(TrainingDataMode.Streaming, pool: 32);
        options.NumberOfEpochs = 15;
        options.LearningRate = 0.01;
        var view = View(rows, shufflingView);

        var (model, log) = Fit(options, view);
        var (reference, _) = Fit(Options(TrainingDataMode.InMemory), ml.ToDataView(rows));
        using (model)
        using (reference)
        {
            var peak = PeakPoolRows(log);
            Assert.InRange(peak, 1, 32);
            Assert.Contains(log, m => m.Contains("a shuffle pool of 32 rows of 16"));
            Assert.True(model.TrainingLoss[^1] < 0.5 * model.TrainingLoss[0], $"loss {model.TrainingLoss[0]} -> {model.TrainingLoss[^1]}");
            var mean = Enumerable.Range(0, 16).Select(j => rows.Average(r => r[j])).ToArray();
            var meanPredictor = SyntheticData.MeanSquaredError(heldOut, heldOut.Select(_ => mean).ToArray());
            var reconstruction = model.Transform(ml.ToDataView(heldOut)).VectorColumn("Reconstruction");
            var error = SyntheticData.MeanSquaredError(heldOut, reconstruction);
            Assert.True(error < 0.5 * meanPredictor, $"held-out MSE {error} against the mean predictor's {meanPredictor}");
            Assert.NotEqual(Weights(reference.Module), Weights(model.Module)); // the pool's order is not the full shuffle's
            Assert.Equal(shufflingView ? 15 : 0, view.ShufflingCursors);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AutomaticStreamsRowsBeyondTheBudgetAndKeepsRowsWithinItInMemory(bool hideRowCount)
    {
        var rows = SyntheticData.Manifold(200); // 200 x 16 x 4 = 12,800 bytes
        AutoencoderOptions Make(long budget)
        {
            var o = Options(TrainingDataMode.Automatic);
            o.MemoryBudgetBytes = budget;
            return o;
        }

        var (small, smallLog) = Fit(Make(4_000), new CountingDataView(new MLContext().ToDataView(rows), hideRowCount));
        var (large, largeLog) = Fit(Make(12_800), new CountingDataView(new MLContext().ToDataView(rows), hideRowCount));
        var (forced, _) = Fit(Options(TrainingDataMode.Streaming, pool: 4_000 / 64), new MLContext().ToDataView(rows));
        using (small)
        using (large)
        using (forced)
        {
            Assert.True(Streamed(smallLog) && !InMemory(smallLog));
            Assert.Contains(smallLog, m => m.Contains("more than the memory budget of 4,000 bytes"));
            Assert.Contains(smallLog, m => m.Contains("a shuffle pool of 62 rows of 16")); // the budget bounds the pool
            Assert.True(InMemory(largeLog) && !Streamed(largeLog));
            Assert.Equal(Weights(forced.Module), Weights(small.Module));
        }
    }

    [Theory]
    [InlineData(0f, 1)]
    [InlineData(0.2f, 1)]
    public void StreamingReadsTheViewOncePerEpoch(float validation, int cursorsPerEpoch)
    {
        var view = new CountingDataView(new MLContext().ToDataView(SyntheticData.Manifold(120)));
        var reports = new List<AutoencoderTrainingProgress>();
        var options = Options(TrainingDataMode.Streaming, pool: 40);
        options.ValidationFraction = validation;
        options.NumberOfEpochs = 5;
        options.Progress = new CallbackProgress(reports.Add);

        using var model = Fit(options, view).Model;

        Assert.Equal(5 * cursorsPerEpoch, view.CursorsOpened);
        Assert.Equal(5 * 120, view.RowsRead);
        Assert.Equal(new long[] { 120, 240, 360, 480, 600 }, reports.Select(r => r.RowsRead));
    }

    [Fact]
    public void ValidationRowsBeyondTheBudgetAreReadAgainForEachEvaluation()
    {
        var rows = SyntheticData.Manifold(400);
        var view = new CountingDataView(new MLContext().ToDataView(rows));
        var options = Options(TrainingDataMode.Streaming, pool: 400);
        options.ValidationFraction = 0.25f;
        options.NumberOfEpochs = 3;
        options.MemoryBudgetBytes = 4L * 16 * 420; // the pool and about 20 validation rows of about 100
        var reference = Options(TrainingDataMode.InMemory);
        reference.ValidationFraction = 0.25f;
        reference.NumberOfEpochs = 3;

        var (model, log) = Fit(options, view);
        var (inMemory, _) = Fit(reference, new MLContext().ToDataView(rows));
        using (model)
        using (inMemory)
        {
            Assert.Contains(log, m => m.Contains("validation rows exceed the memory budget"));
            Assert.Equal(3 * 2, view.CursorsOpened);
            Assert.Equal(inMemory.ValidationLoss, model.ValidationLoss);
        }
    }

    [Fact]
    public void TheInMemoryPathReportsEveryRowReadOnce()
    {
        var reports = new List<AutoencoderTrainingProgress>();
        var options = Options(TrainingDataMode.InMemory);
        options.Progress = new CallbackProgress(reports.Add);
        var view = new CountingDataView(new MLContext().ToDataView(SyntheticData.Manifold(120)));

        using var model = Fit(options, view).Model;

        Assert.Equal(1, view.CursorsOpened);
        Assert.All(reports, r => Assert.Equal(120, r.RowsRead));
    }

    [Theory]
    [InlineData(1000)] // a pool holding every row: the cursor reads in view order
    [InlineData(8)] // a small pool over a view that can shuffle: a shuffling cursor
    public void NonFiniteRowsFailAsInMemoryOrAreSkippedWithTheSameCount(int pool)
    {
        var rows = SyntheticData.Manifold(100);
        rows[17][15] = float.PositiveInfinity;
        rows[41][1] = float.NaN;
        AutoencoderOptions Make(TrainingDataMode mode, bool skip)
        {
            var o = Options(mode, pool);
            o.SkipRowsWithNonFiniteValues = skip;
            return o;
        }

        var shuffling = pool < 100;
        var inMemoryError = Assert.Throws<InvalidOperationException>(() => Fit(Make(TrainingDataMode.InMemory, false), View(rows, shuffling)));
        var streamingView = View(rows, shuffling);
        var streamingError = Assert.Throws<InvalidOperationException>(() => Fit(Make(TrainingDataMode.Streaming, false), streamingView));
        Assert.Equal(shuffling ? 1 : 0, streamingView.ShufflingCursors);
        if (shuffling)
        {
            // A shuffling cursor meets the bad rows in another order: the first it meets is named, by its row id, in the same words.
            Assert.Contains(streamingError.Message.Replace("Infinity", "∞"),
                new[] { inMemoryError.Message.Replace("Infinity", "∞"), inMemoryError.Message.Replace("Infinity", "∞").Replace("row 17: value ∞ at index 15", "row 41: value NaN at index 1") });
        }
        else
        {
            Assert.Equal(inMemoryError.Message, streamingError.Message);
        }
        Assert.Contains("row 17: value ∞ at index 15", inMemoryError.Message.Replace("Infinity", "∞"));

        var (inMemory, memoryLog) = Fit(Make(TrainingDataMode.InMemory, true), View(rows, shuffling));
        var (streamed, streamLog) = Fit(Make(TrainingDataMode.Streaming, true), View(rows, shuffling));
        using (inMemory)
        using (streamed)
        {
            Assert.Equal(2, inMemory.SkippedTrainingRows);
            Assert.Equal(2, streamed.SkippedTrainingRows);
            const string skipped = "Skipped 2 of 100 training rows of column 'Features' holding NaN or infinity; training on the other 98.";
            Assert.Single(memoryLog, m => m.Contains(skipped));
            Assert.Single(streamLog, m => m.Contains(skipped));
        }
    }

    [Fact]
    public void CancelExecutionStopsStreamingWithinABoundedNumberOfRows()
    {
        var ml = new MLContext(seed: 1);
        var view = new CountingDataView(ml.ToDataView(SyntheticData.Manifold(20_000, features: 8)), canShuffle: false);
        long cancelledAt = 0;
        view.OnRow = read =>
        {
            if (read == 5_000)
            {
                cancelledAt = read;
                ml.CancelExecution();
            }
        };
        var options = Options(TrainingDataMode.Streaming, pool: 64);
        options.LatentDimension = 2;
        options.BatchSize = 256;
        var liveBefore = LiveTensors.OnThisThread;

        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.Autoencoder(options).Fit(view));

        Assert.Equal(5_000, cancelledAt);
        Assert.InRange(view.RowsRead - cancelledAt, 0, 1024);
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheSameSeedStreamsTheSameModelAndAnotherSeedAnother(bool shufflingView)
    {
        var rows = SyntheticData.Manifold(300);
        AutoencoderOptions Make(int seed)
        {
            var o = Options(TrainingDataMode.Streaming, pool: 24);
            o.ValidationFraction = 0.2f;
            o.Seed = seed;
            return o;
        }

        using var first = Fit(Make(11), View(rows, shufflingView)).Model;
        using var second = Fit(Make(11), View(rows, shufflingView)).Model;
        using var other = Fit(Make(12), View(rows, shufflingView)).Model;

        Assert.Equal(Weights(first.Module), Weights(second.Module));
        Assert.Equal(first.ValidationLoss, second.ValidationLoss);
        Assert.NotEqual(Weights(first.Module), Weights(other.Module));
    }

    [Fact]
    public void TheDefaultBudgetIsHalfTheMemoryAvailableToTheProcess()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

        Assert.True(available > 0, $"TotalAvailableMemoryBytes = {available}");
        Assert.Equal(available / 2, MLNetAutoencoders.Training.TrainingRun.MemoryBudget(new AutoencoderOptions()));
        Assert.Equal(1234, MLNetAutoencoders.Training.TrainingRun.MemoryBudget(new AutoencoderOptions { MemoryBudgetBytes = 1234 }));
    }

    [Fact]
    public void NewOptionsAreValidatedNamingOptionAndValue()
    {
        var ml = new MLContext();

        var budget = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(new AutoencoderOptions { MemoryBudgetBytes = 0 }));
        var pool = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(new AutoencoderOptions { ShufflePoolRows = -1 }));
        var mode = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(new AutoencoderOptions { DataMode = (TrainingDataMode)7 }));

        Assert.Contains("MemoryBudgetBytes must be a positive number of bytes; got 0.", budget.Message);
        Assert.Contains("ShufflePoolRows must be a positive value; got -1.", pool.Message);
        Assert.Contains("DataMode must be a defined TrainingDataMode; got 7.", mode.Message);
    }
}
