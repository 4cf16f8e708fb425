using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>
/// A view over another that counts the cursors opened on it and the rows they read, and can act when a given number of
/// rows has been read in total (e.g. cancel, or throw). It also records the cursors still open and the threads that
/// read rows (streaming reads on a background thread). <paramref name="hideRowCount"/> makes its row count unknown.
/// </summary>
internal sealed class CountingDataView(IDataView inner, bool hideRowCount = false, bool canShuffle = true) : IDataView
{
    private long rowsRead;
    private int openCursors;
    private readonly HashSet<Thread> readingThreads = new();

    public int CursorsOpened { get; private set; }

    /// <summary>Rows read so far (safe to read from any thread while another reads the view).</summary>
    public long RowsRead => Volatile.Read(ref rowsRead);

    /// <summary>Cursors opened and not yet disposed.</summary>
    public int OpenCursors => Volatile.Read(ref openCursors);

    /// <summary>Every thread that has moved a cursor of this view.</summary>
    public Thread[] ReadingThreads
    {
        get
        {
            lock (readingThreads)
                return readingThreads.ToArray();
        }
    }

    /// <summary>Cursors opened with a random source (shuffling cursors).</summary>
    public int ShufflingCursors { get; private set; }

    /// <summary>Called after each row read with the total read so far.</summary>
    public Action<long>? OnRow { get; set; }

    public bool CanShuffle => canShuffle && inner.CanShuffle;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => hideRowCount ? null : inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        CursorsOpened++;
        Interlocked.Increment(ref openCursors);
        if (rand is not null && CanShuffle)
            ShufflingCursors++;
        return new Cursor(this, inner.GetRowCursor(columnsNeeded, CanShuffle ? rand : null));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(CountingDataView owner, DataViewRowCursor inner) : DataViewRowCursor
    {
        private bool disposed;

        public override long Position => inner.Position;
        public override long Batch => inner.Batch;
        public override DataViewSchema Schema => inner.Schema;
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => inner.GetGetter<TValue>(column);
        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);

        public override bool MoveNext()
        {
            if (!inner.MoveNext())
                return false;
            lock (owner.readingThreads)
                owner.readingThreads.Add(Thread.CurrentThread);
            var read = Interlocked.Increment(ref owner.rowsRead);
            owner.OnRow?.Invoke(read);
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !disposed)
            {
                disposed = true;
                inner.Dispose();
                Interlocked.Decrement(ref owner.openCursors);
            }
            base.Dispose(disposing);
        }
    }
}
