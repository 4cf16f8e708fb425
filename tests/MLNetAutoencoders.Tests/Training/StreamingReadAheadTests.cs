using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Tests.Infrastructure;
using MLNetAutoencoders.Training;
using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>
/// Streaming reads the rows on one background thread, ahead of the training steps (<see cref="RowReadAhead"/>): the
/// batches are the sequential reading's, the reader runs at most a few batches ahead, an error on either side surfaces
/// from Fit as itself, and no reading thread or open cursor outlives the call.
/// </summary>
public class StreamingReadAheadTests
{
    private const int Features = 8;
    private const int Pool = 64;
    private const int Batch = 16;

    private static StreamingTrainingData Streaming(IDataView view, int seed = 3) =>
        new(view, "Features", Features, skipNonFinite: false, split: null, seed, budgetBytes: 1L << 30, shufflePoolRows: Pool,
            checkAlive: () => { }, ((IChannelProvider)new MLContext()).Start("read-ahead test"));

    private static CountingDataView View(int rows) =>
        new(new MLContext().ToDataView(SyntheticData.Manifold(rows, Features)), canShuffle: false);

    private static AutoencoderOptions Options(TrainingDataMode mode) => new()
    {
        LatentDimension = 2,
        HiddenLayerSizes = [6],
        NumberOfEpochs = 3,
        BatchSize = Batch,
        Seed = 11,
        DataMode = mode,
        ShufflePoolRows = Pool,
    };

    /// <summary>No thread but the caller's has read the view, or every such thread has ended, and no cursor is open.</summary>
    private static void AssertNothingLeftReading(CountingDataView view)
    {
        Assert.Equal(0, view.OpenCursors);
        Assert.All(view.ReadingThreads, t => Assert.False(t.IsAlive && t != Thread.CurrentThread, $"reading thread '{t.Name}' still runs"));
    }

    [Fact]
    public void StreamingReadsTheViewOnABackgroundThreadAndInMemoryOnTheFitThread()
    {
        var streamedView = View(300);
        var inMemoryView = View(300);

        using (new MLContext(seed: 1).Transforms.Autoencoder(Options(TrainingDataMode.Streaming)).Fit(streamedView))
        using (new MLContext(seed: 1).Transforms.Autoencoder(Options(TrainingDataMode.InMemory)).Fit(inMemoryView))
        {
            Assert.Equal(3 * 300, streamedView.RowsRead);
            Assert.NotEmpty(streamedView.ReadingThreads);
            Assert.DoesNotContain(Thread.CurrentThread, streamedView.ReadingThreads);
            AssertNothingLeftReading(streamedView);
            Assert.Equal(new[] { Thread.CurrentThread }, inMemoryView.ReadingThreads);
        }
    }

    [Fact]
    public void TheBatchesAreTheSequentialPoolsEvictionsAndTheReaderRunsAtMostTheBuffersAhead()
    {
        const int rows = 1000;
        var view = View(rows);
        var values = SyntheticData.Manifold(rows, Features);
        using var data = Streaming(view);
        using var generator = new Generator(5);
        var batches = new List<float[]>();
        var readAtStep = new List<long>();
        var ranAhead = false;

        for (var epoch = 0; epoch < 2; epoch++)
        {
            batches.Clear();
            readAtStep.Clear();
            var before = view.RowsRead;
            data.TrainEpoch(epoch, Batch, generator, batch =>
            {
                var n = batches.Count + 1;
                if (n == 2)
                    // A sequential reader has read exactly the rows of batch 2 now, and waits for this step to end.
                    ranAhead |= SpinWait.SpinUntil(() => view.RowsRead - before > Pool + 2 * Batch, TimeSpan.FromSeconds(10));
                readAtStep.Add(view.RowsRead - before);
                batches.Add(batch.data<float>().ToArray());
            });

            // The reference: the same rows through a pool on one thread, evictions drawn from the epoch's seed.
            var pool = new ShufflePool(Pool, Features);
            var evictions = new Random(data.EpochSeed(epoch, 1));
            var evicted = new List<float>();
            var slot = new float[Features];
            foreach (var row in values)
                if (pool.Add(row, evictions, slot))
                    evicted.AddRange(slot);
            var evictedBatches = (rows - Pool) / Batch;
            Assert.Equal(evicted.Take(evictedBatches * Batch * Features), batches.Take(evictedBatches).SelectMany(b => b));
            Assert.Equal(rows, batches.Sum(b => b.Length) / Features);
            for (var n = 1; n <= evictedBatches; n++)
                Assert.InRange(readAtStep[n - 1], Pool + n * Batch, Pool + (n + RowReadAhead.Buffers - 1) * Batch);
        }
        Assert.True(ranAhead, "the reader never read beyond batch 2 while batch 2 trained");
        AssertNothingLeftReading(view);
    }

    [Fact]
    public void AnErrorReadingTheViewMidEpochSurfacesFromFitAsItselfAndLeavesNothingReading()
    {
        var view = View(2000);
        view.OnRow = read =>
        {
            if (read == 2000 + 700)
                throw new IOException($"the disk went away at row {read}");
        };
        var liveBefore = LiveTensors.OnThisThread;

        var error = Assert.Throws<IOException>(() => new MLContext(seed: 1).Transforms.Autoencoder(Options(TrainingDataMode.Streaming)).Fit(view));

        Assert.Equal("the disk went away at row 2700", error.Message);
        Assert.Equal(2700, view.RowsRead);
        Assert.DoesNotContain(Thread.CurrentThread, view.ReadingThreads);
        AssertNothingLeftReading(view);
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    [Fact]
    public void AFailingTrainingStepStopsTheReaderAndClosesItsCursorBeforeReturning()
    {
        var view = View(20_000);
        using var data = Streaming(view);
        using var generator = new Generator(5);
        var steps = 0;

        var error = Assert.Throws<InvalidOperationException>(() => data.TrainEpoch(0, Batch, generator, _ =>
        {
            if (++steps == 3)
                throw new InvalidOperationException("step 3 failed");
        }));

        Assert.Equal("step 3 failed", error.Message);
        AssertNothingLeftReading(view);
        // Stopped, not read to the end: at most the buffers beyond batch 3, and the row it was reading.
        Assert.InRange(view.RowsRead, Pool + 3 * Batch, Pool + (3 + RowReadAhead.Buffers - 1) * Batch + 1);
    }

    [Fact]
    public void CancellingMidEpochLeavesNothingReadingWhicheverThreadSeesItFirst()
    {
        var ml = new MLContext(seed: 1);
        var view = View(20_000);
        view.OnRow = read =>
        {
            if (read == 5_000)
                ml.CancelExecution();
        };
        var liveBefore = LiveTensors.OnThisThread;

        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.Autoencoder(Options(TrainingDataMode.Streaming)).Fit(view));

        Assert.InRange(view.RowsRead, 5_000, 5_000 + 1024);
        AssertNothingLeftReading(view);
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }
}
