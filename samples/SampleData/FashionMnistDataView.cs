using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.SampleData;

/// <summary>
/// A read-only <see cref="IDataView"/> over a <see cref="FashionMnistSplit"/>: <c>Features</c>
/// (vector of 784 Single) and <c>Label</c> (Single). Cursors copy one image at a time straight
/// from the split's flat array, so no per-row objects are allocated.
/// </summary>
internal sealed class FashionMnistDataView : IDataView
{
    internal const string FeaturesColumnName = "Features";
    internal const string LabelColumnName = "Label";

    private readonly FashionMnistSplit _split;

    internal FashionMnistDataView(FashionMnistSplit split)
    {
        _split = split;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeaturesColumnName, new VectorDataViewType(NumberDataViewType.Single, FashionMnistSplit.PixelCount));
        builder.AddColumn(LabelColumnName, NumberDataViewType.Single);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => true;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _split.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            if (column.Index < 0 || column.Index >= active.Length || !ReferenceEquals(Schema[column.Index].Type, column.Type))
            {
                throw new ArgumentException($"Column '{column.Name}' does not belong to this data view's schema.", nameof(columnsNeeded));
            }

            active[column.Index] = true;
        }

        int[]? order = null;
        if (rand is not null)
        {
            order = new int[_split.Count];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = rand.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        return new Cursor(this, active, order);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly FashionMnistDataView _parent;
        private readonly bool[] _active;
        private readonly int[]? _order;
        private long _position = -1;
        private int _row = -1;
        private bool _done;

        internal Cursor(FashionMnistDataView parent, bool[] active, int[]? order)
        {
            _parent = parent;
            _active = active;
            _order = order;
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index >= 0 && column.Index < _active.Length && _active[column.Index];

        public override bool MoveNext()
        {
            if (_done)
            {
                return false;
            }

            if (_position + 1 >= _parent._split.Count)
            {
                _done = true;
                _position = -1;
                _row = -1;
                return false;
            }

            _position++;
            _row = _order is null ? (int)_position : _order[_position];
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) =>
        {
            EnsureOnRow();
            value = new DataViewRowId((ulong)_row, 0);
        };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
            {
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");
            }

            var split = _parent._split;
            if (column.Index == 0)
            {
                if (typeof(TValue) != typeof(VBuffer<float>))
                {
                    throw new InvalidOperationException($"Column '{column.Name}' is a VBuffer<Single>, not {typeof(TValue)}.");
                }

                ValueGetter<VBuffer<float>> features = (ref VBuffer<float> value) =>
                {
                    EnsureOnRow();
                    var editor = VBufferEditor.Create(ref value, FashionMnistSplit.PixelCount);
                    split.GetImage(_row).CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(Delegate)features;
            }

            if (typeof(TValue) != typeof(float))
            {
                throw new InvalidOperationException($"Column '{column.Name}' is a Single, not {typeof(TValue)}.");
            }

            ValueGetter<float> label = (ref float value) =>
            {
                EnsureOnRow();
                value = split.Labels[_row];
            };
            return (ValueGetter<TValue>)(Delegate)label;
        }

        private void EnsureOnRow()
        {
            if (_row < 0)
            {
                throw new InvalidOperationException("The cursor is not on a row: call MoveNext() first and stop when it returns false.");
            }
        }
    }
}
