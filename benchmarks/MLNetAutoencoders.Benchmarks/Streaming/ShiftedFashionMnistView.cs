using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// A lazily generated view of <see cref="Rows"/> rows x 784 (issue 16's "larger than memory" data): row i is source
/// image i mod <see cref="SourceCount"/> shifted by (dx, dy) in [-<see cref="MaxShift"/>, <see cref="MaxShift"/>]
/// pixels (zeros enter at the edge), plus Gaussian noise of standard deviation <see cref="NoiseLevel"/>, clamped to
/// [0, 1]. Shift and noise come from a hash of (seed, i) alone, so any row is regenerated the same in any order and
/// nothing of size <see cref="Rows"/> is held: only the source images. Row ids are the row numbers.
/// </summary>
/// <remarks>
/// <see cref="CanShuffle"/> is false: a shuffling cursor would need a permutation of every row. Training then reads
/// the rows in order through its bounded shuffle pool; consecutive rows cycle through every source image.
/// This file only uses ML.NET and System.*: the test project compiles it by link.
/// </remarks>
internal sealed class ShiftedFashionMnistView : IDataView
{
    /// <summary>The only column: a vector of 784 Single.</summary>
    public const string ColumnName = "Features";

    public const int Features = 28 * 28;
    private const int Side = 28;

    private readonly float[] images;
    private readonly ulong seedHash;

    /// <param name="images">The source images, <c>count x 784</c> values in [0, 1] (not copied).</param>
    /// <param name="rows">The rows of the view.</param>
    /// <param name="seed">Fixes every row's shift and noise.</param>
    /// <param name="maxShift">The largest shift in pixels, each way.</param>
    /// <param name="noiseLevel">The noise's standard deviation before clamping.</param>
    public ShiftedFashionMnistView(float[] images, long rows, int seed = 1, int maxShift = 2, float noiseLevel = 0.1f)
    {
        if (images.Length == 0 || images.Length % Features != 0)
            throw new ArgumentException($"The source holds {images.Length} values; expected a positive multiple of {Features}.", nameof(images));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        ArgumentOutOfRangeException.ThrowIfNegative(noiseLevel);
        this.images = images;
        Rows = rows;
        Seed = seed;
        MaxShift = maxShift;
        NoiseLevel = noiseLevel;
        SourceCount = images.Length / Features;
        seedHash = Mix((ulong)seed * 0xD1B54A32D192ED03UL);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(ColumnName, new VectorDataViewType(NumberDataViewType.Single, Features));
        Schema = builder.ToSchema();
    }

    public long Rows { get; }

    public int Seed { get; }

    public int MaxShift { get; }

    public float NoiseLevel { get; }

    /// <summary>The number of source images; row i shows image i mod SourceCount.</summary>
    public int SourceCount { get; }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => Rows;

    /// <summary>The source image row <paramref name="row"/> shows.</summary>
    public int SourceImage(long row) => (int)(row % SourceCount);

    /// <summary>The shift of row <paramref name="row"/>: its pixel (y, x) is the source's (y - Dy, x - Dx).</summary>
    public (int Dx, int Dy) Shift(long row)
    {
        var bits = Mix(RowState(row));
        var span = (ulong)(2 * MaxShift + 1);
        return ((int)((bits & 0xFFFFFFFF) % span) - MaxShift, (int)((bits >> 32) % span) - MaxShift);
    }

    /// <summary>Writes row <paramref name="row"/>'s 784 values into <paramref name="destination"/>.</summary>
    public void Generate(long row, Span<float> destination)
    {
        if ((ulong)row >= (ulong)Rows)
            throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside [0, {Rows}).");
        if (destination.Length < Features)
            throw new ArgumentException($"The destination holds {destination.Length} values; a row has {Features}.", nameof(destination));
        var (dx, dy) = Shift(row);
        var source = images.AsSpan(SourceImage(row) * Features, Features);
        var state = RowState(row) + 1;
        for (var p = 0; p < Features; p += 2)
        {
            // Box–Muller: two standard normals from two uniforms of one hash.
            var bits = Mix(state += 0x9E3779B97F4A7C15UL);
            var u1 = ((bits >> 40) + 1) * (1.0f / (1 << 24));
            var u2 = (bits & 0xFFFFFF) * (1.0f / (1 << 24));
            var radius = NoiseLevel * MathF.Sqrt(-2f * MathF.Log(u1));
            var (sin, cos) = MathF.SinCos(2f * MathF.PI * u2);
            destination[p] = Pixel(source, p, dx, dy, radius * cos);
            destination[p + 1] = Pixel(source, p + 1, dx, dy, radius * sin);
        }
    }

    private static float Pixel(ReadOnlySpan<float> source, int p, int dx, int dy, float noise)
    {
        int y = p / Side - dy, x = p % Side - dx;
        var value = (uint)y < Side && (uint)x < Side ? source[y * Side + x] : 0f;
        return Math.Clamp(value + noise, 0f, 1f);
    }

    private ulong RowState(long row) => Mix(seedHash ^ (ulong)row);

    /// <summary>SplitMix64's finalizer: a bijective 64-bit hash.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Any(c => c.Index == 0));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ShiftedFashionMnistView view;
        private readonly bool active;
        private long position = -1;

        public Cursor(ShiftedFashionMnistView view, bool active)
        {
            this.view = view;
            this.active = active;
        }

        public override DataViewSchema Schema => view.Schema;

        public override long Position => position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index == 0 && active;

        public override bool MoveNext()
        {
            if (position + 1 >= view.Rows)
            {
                position = view.Rows;
                return false;
            }
            position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) =>
        {
            RequireRow();
            id = new DataViewRowId((ulong)position, 0);
        };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' is not active.");
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                RequireRow();
                var editor = VBufferEditor.Create(ref value, Features);
                view.Generate(position, editor.Values);
                value = editor.Commit();
            };
            return getter as ValueGetter<TValue>
                   ?? throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single, not {typeof(TValue).Name}.");
        }

        private void RequireRow()
        {
            if (position < 0 || position >= view.Rows)
                throw new InvalidOperationException("The cursor is not on a row.");
        }
    }
}
