using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace MLNetAutoencoders.Training;

/// <summary>
/// Fills batches of rows on one background thread while the calling thread trains on the batches filled before:
/// reading a view through a cursor then overlaps the TorchSharp work instead of alternating with it. The producer fills
/// managed arrays only (it creates no tensor, so no dispose scope or torch setting is involved); a few buffers circulate
/// between the two threads, so memory stays bounded at <see cref="Buffers"/> batches.
/// </summary>
/// <remarks>
/// The producer runs sequentially, so the batches arrive in exactly the order a single thread would fill them. An
/// exception on the producer is rethrown on the consumer (same exception, type and message) once the batches filled
/// before it have been handed over; <see cref="Dispose"/> stops the producer (it checks between rows) and joins it, so
/// no thread outlives its owner, whichever side failed.
/// </remarks>
internal sealed class RowReadAhead : IDisposable
{
    /// <summary>Batches in circulation: one filling, up to two waiting, one being trained on.</summary>
    public const int Buffers = 4;

    private readonly int batchRows;
    private readonly int features;
    private readonly BlockingCollection<float[]> free = new();
    private readonly BlockingCollection<float[]> full = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;
    private ExceptionDispatchInfo? error;
    private float[] filling;
    private int filled;

    private RowReadAhead(int batchRows, int features, Action<RowReadAhead> produce)
    {
        this.batchRows = batchRows;
        this.features = features;
        filling = new float[(long)batchRows * features];
        for (var i = 1; i < Buffers; i++)
            free.Add(new float[(long)batchRows * features]);
        thread = new Thread(() => Run(produce)) { IsBackground = true, Name = "MLNetAutoencoders row read-ahead" };
    }

    /// <summary>
    /// Starts <paramref name="produce"/> on a new thread; it fills rows through <see cref="Slot"/> and <see cref="Commit"/>
    /// in batches of <paramref name="batchRows"/> rows of <paramref name="features"/> values.
    /// </summary>
    public static RowReadAhead Start(int batchRows, int features, Action<RowReadAhead> produce)
    {
        var readAhead = new RowReadAhead(batchRows, features, produce);
        readAhead.thread.Start();
        return readAhead;
    }

    /// <summary>Producer: where the next row of the batch being filled goes (written by the producer, kept by <see cref="Commit"/>).</summary>
    public Span<float> Slot => filling.AsSpan(filled * features, features);

    /// <summary>Producer: keeps the row written to <see cref="Slot"/>; a full batch goes to the consumer (waiting for a free buffer).</summary>
    public void Commit()
    {
        if (++filled < batchRows)
            return;
        full.Add(filling);
        filling = free.Take(stop.Token);
        filled = 0;
    }

    /// <summary>Producer: throws once the consumer has stopped (checked between rows, so a failed consumer does not wait for the pass).</summary>
    public void ThrowIfStopped() => stop.Token.ThrowIfCancellationRequested();

    /// <summary>
    /// Consumer: each full batch of <c>batchRows</c> rows, in the order filled; the buffer is reused once the next is
    /// asked for. Ends when the producer has ended, rethrowing its exception if it failed.
    /// </summary>
    public IEnumerable<float[]> FullBatches()
    {
        foreach (var batch in full.GetConsumingEnumerable())
        {
            yield return batch;
            free.Add(batch);
        }
        thread.Join();
        error?.Throw();
    }

    /// <summary>Consumer, after <see cref="FullBatches"/> ended: the last batch, partly filled (possibly empty), and its rows.</summary>
    public (float[] Rows, int Count) Rest => (filling, filled);

    private void Run(Action<RowReadAhead> produce)
    {
        try
        {
            produce(this);
        }
        catch (Exception e)
        {
            error = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            full.CompleteAdding();
        }
    }

    /// <summary>Stops the producer if it still runs and waits for its thread to end.</summary>
    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
        free.Dispose();
        full.Dispose();
    }
}
