using System.Globalization;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Writes rows of a <see cref="ShiftedFashionMnistView"/> as a headerless CSV (784 comma-separated values a row, at
/// most four decimals), one row generated at a time, after checking that the disk has room for it.
/// </summary>
internal static class CsvRows
{
    /// <summary>Room left on the disk beyond the file, for everyone else.</summary>
    public const long SpareBytes = 1L << 30;

    private const int SampleRows = 200;

    /// <summary>The file's size, from the first rows' formatted length (at most 200 rows formatted).</summary>
    public static long EstimateBytes(ShiftedFashionMnistView view, long rows)
    {
        var sample = (int)Math.Min(SampleRows, Math.Min(rows, view.Rows));
        var values = new float[ShiftedFashionMnistView.Features];
        var line = new byte[LineCapacity];
        long bytes = 0;
        for (var i = 0; i < sample; i++)
        {
            view.Generate(i, values);
            bytes += Format(values, line);
        }
        return (long)Math.Ceiling(bytes / (double)sample * rows);
    }

    /// <summary>Throws when the disk holding <paramref name="directory"/> has less than <paramref name="bytes"/> + <see cref="SpareBytes"/> free.</summary>
    /// <exception cref="InvalidOperationException">Not enough room: the message says how much is needed and free.</exception>
    public static void RequireRoom(string directory, long bytes)
    {
        var free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        if (free < bytes + SpareBytes)
            throw new InvalidOperationException(
                $"The csv part needs {(bytes + SpareBytes) / 1e9:F1} GB free in {directory} (a {bytes / 1e9:F1} GB file and {SpareBytes / 1e9:F1} GB to spare); " +
                $"its disk has {free / 1e9:F1} GB. Use fewer --csv-rows, or point TMPDIR at a larger disk.");
    }

    /// <summary>Writes the first <paramref name="rows"/> rows of <paramref name="view"/> to <paramref name="path"/>; returns the bytes written.</summary>
    public static long Write(ShiftedFashionMnistView view, long rows, string path)
    {
        if (rows > view.Rows)
            throw new ArgumentOutOfRangeException(nameof(rows), $"The view has {view.Rows} rows, not {rows}.");
        var values = new float[ShiftedFashionMnistView.Features];
        var line = new byte[LineCapacity];
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        for (long i = 0; i < rows; i++)
        {
            view.Generate(i, values);
            file.Write(line, 0, Format(values, line));
        }
        return file.Length;
    }

    /// <summary>"-0.0000," at most per value, and the newline.</summary>
    private const int LineCapacity = ShiftedFashionMnistView.Features * 8 + 1;

    private static int Format(ReadOnlySpan<float> values, Span<byte> line)
    {
        var written = 0;
        for (var j = 0; j < values.Length; j++)
        {
            if (!values[j].TryFormat(line[written..], out var n, "0.####", CultureInfo.InvariantCulture))
                throw new InvalidOperationException($"Value {values[j]} does not fit its CSV field.");
            written += n;
            line[written++] = (byte)(j + 1 < values.Length ? ',' : '\n');
        }
        return written;
    }
}
