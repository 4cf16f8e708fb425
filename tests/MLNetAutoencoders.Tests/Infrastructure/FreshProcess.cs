using System.Diagnostics;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>
/// Runs commands of <see cref="FreshProcessProgram"/> in a separate .NET process started from the test
/// assembly itself (<c>dotnet exec</c> with the test output folder's runtimeconfig and deps files), so
/// that saving and loading a model is proven across processes, not just in the test's warm process.
/// </summary>
public static class FreshProcess
{
    /// <summary>Timeout used when the caller gives none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Loads the model at <paramref name="modelPath"/> in a fresh process and applies it to
    /// <paramref name="input"/>: with <see cref="ITransformer.Transform"/>, or when
    /// <paramref name="viaRowMapper"/> is true row by row through
    /// <see cref="ITransformer.GetRowToRowMapper"/> (the PredictionEngine path).
    /// </summary>
    /// <returns>The fresh process's output (hidden columns dropped), fully in memory.</returns>
    /// <remarks>Fails the test, with the child's exit code and stderr, if the child fails or times out.</remarks>
    public static IDataView Transform(MLContext ml, string modelPath, IDataView input, bool viaRowMapper, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(input);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException("Model file to load in the fresh process does not exist.", modelPath);

        var folder = Directory.CreateTempSubdirectory("mlnetae-fresh-");
        try
        {
            var inputPath = Path.Combine(folder.FullName, "input.idv");
            var outputPath = Path.Combine(folder.FullName, "output.idv");
            using (var stream = File.Create(inputPath))
                ml.Data.SaveAsBinary(input, stream);

            var command = viaRowMapper ? FreshProcessProgram.RowMapperCommand : FreshProcessProgram.TransformCommand;
            var result = Run([command, Path.GetFullPath(modelPath), inputPath, outputPath], timeout);
            result.AssertSucceeded();
            if (!File.Exists(outputPath))
                Assert.Fail($"The fresh process exited 0 but wrote no output file.{Environment.NewLine}{result}");

            // Read the whole file now: the loader would otherwise read it lazily after it is deleted.
            return ml.Data.LoadFromBinary(new InMemoryStreamSource(File.ReadAllBytes(outputPath)));
        }
        finally
        {
            try { folder.Delete(recursive: true); }
            catch (IOException) { /* best effort */ }
        }
    }

    /// <summary>
    /// Runs <c>dotnet exec &lt;test assembly&gt; args...</c> and waits for it, at most
    /// <paramref name="timeout"/> (<see cref="DefaultTimeout"/> if null); a process still running then
    /// is killed and reported as timed out. Does not assert: see <see cref="FreshProcessResult.AssertSucceeded"/>.
    /// </summary>
    public static FreshProcessResult Run(IReadOnlyList<string> args, TimeSpan? timeout = null)
    {
        var assembly = typeof(FreshProcessProgram).Assembly.Location;
        var folder = Path.GetDirectoryName(assembly)!;
        var name = Path.GetFileNameWithoutExtension(assembly);

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--runtimeconfig");
        start.ArgumentList.Add(Path.Combine(folder, name + ".runtimeconfig.json"));
        start.ArgumentList.Add("--depsfile");
        start.ArgumentList.Add(Path.Combine(folder, name + ".deps.json"));
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);

        var commandLine = string.Join(' ', start.ArgumentList.Prepend(start.FileName).Select(Quote));
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };

        var limit = timeout ?? DefaultTimeout;
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExit(limit);
        if (!exited)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { /* exited meanwhile */ }
        }
        process.WaitForExit(); // drains the redirected streams
        stopwatch.Stop();

        string Text(StringBuilder sb) { lock (sb) return sb.ToString(); }
        return new FreshProcessResult(commandLine, exited ? process.ExitCode : null, Text(stdout), Text(stderr), stopwatch.Elapsed, limit);
    }

    /// <summary>The <c>dotnet</c> host running this process (or set by the dotnet CLI), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
            return fromCli;
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return current;
        // <dotnet root>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
        var runtimeFolder = Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (runtimeFolder is not null)
        {
            var candidate = Path.GetFullPath(Path.Combine(runtimeFolder, "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
            if (File.Exists(candidate))
                return candidate;
        }
        return "dotnet";
    }

    private static string Quote(string arg) => arg.Length > 0 && !arg.Any(char.IsWhiteSpace) && !arg.Contains('"') ? arg : $"\"{arg.Replace("\"", "\\\"")}\"";

    /// <summary>A single in-memory "file" for <see cref="DataOperationsCatalog"/>'s LoadFromBinary.</summary>
    private sealed class InMemoryStreamSource(byte[] bytes) : IMultiStreamSource
    {
        public int Count => 1;
        public string? GetPathOrNull(int index) => null;
        public Stream Open(int index) => new MemoryStream(bytes, writable: false);
        public TextReader OpenTextReader(int index) => new StreamReader(Open(index));
    }
}

/// <summary>What a <see cref="FreshProcess.Run"/> child did.</summary>
/// <param name="CommandLine">The command line, for messages.</param>
/// <param name="ExitCode">The exit code, or null if the process was killed after <paramref name="Timeout"/>.</param>
/// <param name="StandardOutput">Everything the child wrote to stdout.</param>
/// <param name="StandardError">Everything the child wrote to stderr.</param>
/// <param name="Elapsed">Wall-clock time until the child ended.</param>
/// <param name="Timeout">The time limit it ran under.</param>
public sealed record FreshProcessResult(
    string CommandLine, int? ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed, TimeSpan Timeout)
{
    /// <summary>True if the child was killed because it ran longer than <see cref="Timeout"/>.</summary>
    public bool TimedOut => ExitCode is null;

    /// <summary>Fails the test unless the child exited with code 0; the message carries exit code and stderr.</summary>
    public void AssertSucceeded()
    {
        if (ExitCode != 0)
            Assert.Fail($"Fresh process {(TimedOut ? $"timed out after {Timeout}" : $"exited with code {ExitCode}")}.{Environment.NewLine}{this}");
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"command: {CommandLine}");
        sb.AppendLine($"exit code: {(TimedOut ? "none (killed: timed out)" : ExitCode)}, after {Elapsed.TotalSeconds:F1} s");
        sb.AppendLine("stderr:");
        sb.AppendLine(StandardError.Length == 0 ? "  (empty)" : StandardError.TrimEnd());
        sb.AppendLine("stdout:");
        sb.Append(StandardOutput.Length == 0 ? "  (empty)" : StandardOutput.TrimEnd());
        return sb.ToString();
    }
}
