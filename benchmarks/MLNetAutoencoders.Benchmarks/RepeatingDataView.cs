using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// A source view repeated <see cref="Times"/> times, streamed: each cursor opens a cursor over the source, and
/// a new one each time the previous is exhausted. Nothing is materialised, so it can stand for arbitrarily many
/// rows. Cursors are repeatable (same rows, same order) when the source's are.
/// </summary>
internal sealed class RepeatingDataView : IDataView
{
    private readonly IDataView source;

    public RepeatingDataView(IDataView source, int times)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        this.source = source;
        Times = times;
    }

    public int Times { get; }

    public bool CanShuffle => false;

    public DataViewSchema Schema => source.Schema;

    public long? GetRowCount() => source.GetRowCount() * Times;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(this, columnsNeeded.ToArray());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly RepeatingDataView view;
        private readonly DataViewSchema.Column[] columns;
        private DataViewRowCursor current;
        private int repetition;
        private long position = -1;
        private bool done;

        public Cursor(RepeatingDataView view, DataViewSchema.Column[] columns)
        {
            this.view = view;
            this.columns = columns;
            current = view.source.GetRowCursor(columns);
        }

        public override DataViewSchema Schema => view.Schema;

        public override long Position => position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => current.IsColumnActive(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) =>
        {
            if (position < 0 || done)
                throw new InvalidOperationException("The cursor is not on a row.");
            id = new DataViewRowId((ulong)position, 0);
        };

        /// <summary>The getter follows the cursor across repetitions: it asks the current source cursor each time (cached per source cursor).</summary>
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!current.IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' is not active.");
            DataViewRowCursor? owner = null;
            ValueGetter<TValue>? inner = null;
            return (ref TValue value) =>
            {
                if (!ReferenceEquals(owner, current))
                {
                    owner = current;
                    inner = current.GetGetter<TValue>(column);
                }
                inner!(ref value);
            };
        }

        public override bool MoveNext()
        {
            if (done)
                return false;
            while (!current.MoveNext())
            {
                if (++repetition >= view.Times)
                {
                    done = true;
                    return false;
                }
                current.Dispose();
                current = view.source.GetRowCursor(columns);
            }
            position++;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                current.Dispose();
            base.Dispose(disposing);
        }
    }
}
