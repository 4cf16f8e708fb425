using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Samples.OnnxScoring;

/// <summary>What an app's output folder weighs: every file under it, subfolders (runtimes/...) included.</summary>
internal sealed record OutputFolder(long Bytes, int Files, IReadOnlyList<(string Name, double Megabytes)> Largest)
{
    public double Megabytes => Bytes / 1024.0 / 1024.0;

    public static OutputFolder Measure(string path)
    {
        var files = new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).ToArray();
        var largest = files.OrderByDescending(f => f.Length).Take(3)
            .Select(f => (Path.GetRelativePath(path, f.FullName), f.Length / 1024.0 / 1024.0)).ToArray();
        return new OutputFolder(files.Sum(f => f.Length), files.Length, largest);
    }
}

/// <summary>Median and range of repeated measurements.</summary>
internal sealed record Spread(double Median, double Min, double Max)
{
    public static Spread Of(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }
}

/// <summary>Batch throughput: rows per second over whole passes of a cursor.</summary>
internal sealed record Throughput(double Median, double Min, double Max, long RowsPerPass);

internal static class Timing
{
    /// <summary>Milliseconds per <c>Predict</c> call, cycling through <paramref name="inputs"/>, after <paramref name="warmUp"/> untimed calls.</summary>
    public static Spread SingleRowLatency(PredictionEngine<FeaturesRow, ScoredRow> engine, FeaturesRow[] inputs, int warmUp, int calls)
    {
        var output = new ScoredRow();
        for (var i = 0; i < warmUp; i++)
            engine.Predict(inputs[i % inputs.Length], ref output);
        var milliseconds = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            engine.Predict(inputs[i % inputs.Length], ref output);
            milliseconds[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Spread.Of(milliseconds);
    }

    /// <summary>Rows per second of <paramref name="passes"/> full cursor passes reading every output column, after one untimed pass.</summary>
    public static Throughput BatchThroughput(Func<IDataView> scored, int passes)
    {
        ReadAll(scored());
        var rates = new double[passes];
        long rows = 0;
        for (var p = 0; p < passes; p++)
        {
            var start = Stopwatch.GetTimestamp();
            rows = ReadAll(scored());
            rates[p] = rows / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        var spread = Spread.Of(rates);
        return new Throughput(spread.Median, spread.Min, spread.Max, rows);
    }

    private static long ReadAll(IDataView view)
    {
        var columns = new[] { "Embedding", "Reconstruction", "ReconstructionError" }.Select(n => view.Schema[n]).ToArray();
        using var cursor = view.GetRowCursor(columns);
        var getters = columns.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToArray();
        var buffer = default(VBuffer<float>);
        long rows = 0;
        while (cursor.MoveNext())
        {
            foreach (var getter in getters)
                getter(ref buffer);
            rows++;
        }
        return rows;
    }
}
