using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Sampling;

/// <summary>
/// A view of <c>count</c> rows and no columns: positions 0 to count - 1, nothing stored. Generation scores it with a
/// scorer that reads no column.
/// </summary>
internal sealed class RowCountDataView : IDataView
{
    private readonly long count;

    public RowCountDataView(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        this.count = count;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; } = new DataViewSchema.Builder().ToSchema();

    public long? GetRowCount() => count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor(RowCountDataView view) : DataViewRowCursor
    {
        private long position = -1;
        private long next;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            // Like ML.NET's cursors: the position is -1 before the first row and again after the last.
            position = next < view.count ? next++ : -1;
            return position >= 0;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => false;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            => throw new ArgumentOutOfRangeException(nameof(column), $"This view has no columns; column '{column.Name}' was requested.");
    }
}
