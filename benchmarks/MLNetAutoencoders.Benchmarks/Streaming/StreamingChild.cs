using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.SampleData;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>What a child process measured: one streaming epoch, its peak resident memory and the rows it read.</summary>
/// <param name="PeakMegabytes">VmHWM at the end of Fit: the child's peak resident memory (MB = 2^20 bytes) since it started.</param>
/// <param name="ResidentBeforeFitMegabytes">VmRSS just before Fit (runtime, libtorch, the source images).</param>
/// <param name="RowsRead">The last progress report's RowsRead.</param>
/// <param name="Seconds">Fit's wall time.</param>
/// <param name="TestMse">The fitted model's mean ReconstructionError over the 10,000 Fashion-MNIST test images.</param>
/// <param name="StreamingLog">The trainer's "Streaming: ..." log line.</param>
internal sealed record ChildResult(double PeakMegabytes, double ResidentBeforeFitMegabytes, long RowsRead, double Seconds, double TestMse, string StreamingLog)
{
    public double RowsPerSecond => RowsRead / Seconds;
}

/// <summary>
/// The hidden <c>streaming-child</c> command: one streaming epoch in a process of its own, so its peak resident memory
/// is its own. <c>streaming-child memory ROWS POOL THREADS</c> trains on the lazily generated view;
/// <c>streaming-child csv PATH POOL THREADS</c> on a CSV read by ML.NET's TextLoader. The result is the last line of
/// standard output, after <see cref="ResultPrefix"/>.
/// </summary>
internal static class StreamingChild
{
    public const string Command = "streaming-child";
    private const string ResultPrefix = "STREAMING-RESULT ";

    public static int Run(string[] args)
    {
        if (args.Length != 4 || args[0] is not ("memory" or "csv"))
            throw new ArgumentException($"Usage: {Command} memory ROWS POOL THREADS | {Command} csv PATH POOL THREADS");
        var pool = int.Parse(args[2], CultureInfo.InvariantCulture);
        var threads = int.Parse(args[3], CultureInfo.InvariantCulture);
        TorchRuntime.EnsureLoaded();
        var ml = new MLContext(seed: 1);
        var streamingLog = "";
        ml.Log += (_, e) =>
        {
            if (e.RawMessage.StartsWith("Streaming:", StringComparison.Ordinal))
                streamingLog = e.RawMessage;
        };
        IDataView data;
        if (args[0] == "memory")
        {
            var rows = long.Parse(args[1], CultureInfo.InvariantCulture);
            data = new ShiftedFashionMnistView(FashionMnist.Load(FashionMnistSplitName.Train).Pixels, rows);
            Console.WriteLine($"  child: one streaming epoch over {rows:N0} generated rows, pool {pool:N0}, {threads} threads");
        }
        else
        {
            data = ml.Data.LoadFromTextFile(args[1], [new TextLoader.Column(ShiftedFashionMnistView.ColumnName, DataKind.Single, 0, ShiftedFashionMnistView.Features - 1)],
                separatorChar: ',', hasHeader: false);
            Console.WriteLine($"  child: one streaming epoch over {args[1]} ({new FileInfo(args[1]).Length / 1e9:F2} GB) through TextLoader, pool {pool:N0}, {threads} threads");
        }

        var progress = new EpochClock(echo: false);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = ProcessStatus.Megabytes("VmRSS");
        var clock = Stopwatch.StartNew();
        using var model = ml.Transforms.Autoencoder(StreamingBenchmark.Options(TrainingDataMode.Streaming, 1, seed: 1, pool, threads, progress)).Fit(data);
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = ProcessStatus.Megabytes("VmHWM");
        var testMse = StreamingBenchmark.TestMse(ml, model);
        var result = new ChildResult(peak, before, progress.Reports[^1].RowsRead, seconds, testMse, streamingLog);
        Console.WriteLine($"  child: peak {peak:F0} MB (before Fit {before:F0} MB), {result.RowsRead:N0} rows in {seconds:F1} s, test MSE {testMse:F5}");
        Console.WriteLine($"  child: {streamingLog}");
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Runs this program as <c>streaming-child</c> with <paramref name="arguments"/>, echoing its output; returns its result.</summary>
    /// <exception cref="InvalidOperationException">The child failed or printed no result.</exception>
    public static ChildResult Launch(params string[] arguments)
    {
        var executable = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own executable is unknown.");
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet MLNetAutoencoders.Benchmarks.dll` the process is dotnet itself: name the assembly again.
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")
            start.ArgumentList.Add(typeof(StreamingChild).Assembly.Location);
        start.ArgumentList.Add(Command);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        ChildResult? result = null;
        while (child.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
                result = JsonSerializer.Deserialize<ChildResult>(line[ResultPrefix.Length..]);
            else
                Console.WriteLine(line);
        }
        child.WaitForExit();
        if (child.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"{Command} {string.Join(' ', arguments)} failed (exit code {child.ExitCode}).");
        return result;
    }
}

/// <summary>The process's memory figures from /proc/self/status (Linux).</summary>
internal static class ProcessStatus
{
    /// <summary>The value of <paramref name="key"/> (e.g. VmHWM, VmRSS) in MB (2^20 bytes).</summary>
    /// <exception cref="InvalidOperationException">Not on Linux.</exception>
    public static double Megabytes(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            throw new InvalidOperationException($"{status} is missing: the streaming benchmark measures resident memory on Linux only.");
        var line = File.ReadLines(status).First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
