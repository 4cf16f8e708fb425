using System.Diagnostics;
using System.Globalization;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Runs a reference script of <c>benchmarks/reference/</c> with Debian's Python (<c>/usr/bin/python3</c>, with
/// python3-torch, python3-sklearn) in the same run as our measurement. A missing interpreter, module or data file
/// is an error that says what to install: a benchmark never falls back to a recorded or literal reference figure.
/// </summary>
internal static class PythonReference
{
    /// <summary>The interpreter: Debian's, where python3-torch and python3-sklearn are installed.</summary>
    public const string Interpreter = "/usr/bin/python3";

    private const string Install = "apt-get install -y python3-torch python3-sklearn libopenblas0-pthread dataset-fashion-mnist";

    /// <summary><c>benchmarks/reference</c> of this repository.</summary>
    public static string ScriptDirectory => RepositoryPaths.References;

    /// <summary>
    /// Fails with the install command unless the interpreter can import every module and its BLAS is OpenBLAS:
    /// without libopenblas0-pthread Debian's numpy and PyTorch run on the reference BLAS, several times slower, and a
    /// reference measured so would flatter us.
    /// </summary>
    public static void Require(params string[] modules)
    {
        if (!File.Exists(Interpreter))
            throw new InvalidOperationException($"The reference needs {Interpreter} (Debian's Python): {Install}");
        // One interpreter: import every module, then a product through numpy loads the BLAS that Debian's alternatives
        // select, and the process's maps name it.
        var probe = Execute(["-c", string.Join(';', modules.Select(m => $"import {m}")) + ";import numpy; numpy.ones((64, 64)) @ numpy.ones((64, 64)); "
            + "print(sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.split()[-1]}))"], TimeSpan.FromMinutes(2), quiet: true);
        if (probe.ExitCode != 0)
            throw new InvalidOperationException(
                $"The reference needs the Python modules {string.Join(", ", modules)} for {Interpreter}: {Install}\n{probe.Error.Trim()}");
        if (!probe.Output.Contains("openblas", StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"The reference's BLAS is not OpenBLAS (loaded: {probe.Output.Trim()}); the reference BLAS runs it several times slower: {Install}");
    }

    /// <summary>
    /// Runs <paramref name="script"/> (a file name in <see cref="ScriptDirectory"/>) and returns the
    /// <c>key value</c> lines it printed. Other lines are echoed. A non-zero exit, a timeout or a missing
    /// expected key is an <see cref="InvalidOperationException"/> with the script's error output.
    /// </summary>
    /// <param name="script">The script's file name.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <param name="expectedKeys">Keys that must be present in the output.</param>
    public static IReadOnlyDictionary<string, double> Run(string script, IEnumerable<string> arguments, TimeSpan timeout, params string[] expectedKeys) =>
        RunWithOutput(script, arguments, timeout, expectedKeys).Values;

    /// <summary>As <see cref="Run"/>, with the script's whole standard output (for lines whose value is not a number).</summary>
    public static (IReadOnlyDictionary<string, double> Values, string Output) RunWithOutput(string script, IEnumerable<string> arguments, TimeSpan timeout,
        params string[] expectedKeys)
    {
        var path = Path.Combine(ScriptDirectory, script);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Reference script not found: {path}", path);
        var run = Execute([path, .. arguments], timeout, quiet: false);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed (exit {run.ExitCode}):\n{run.Error.Trim()}");
        var values = new Dictionary<string, double>();
        foreach (var line in run.Output.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                values[parts[0]] = value;
        }
        var missing = expectedKeys.Where(k => !values.ContainsKey(k)).ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException($"{script} printed no {string.Join(", ", missing)}:\n{run.Output}\n{run.Error}");
        return (values, run.Output);
    }

    private sealed record Outcome(int ExitCode, string Output, string Error);

    private static Outcome Execute(IReadOnlyList<string> arguments, TimeSpan timeout, bool quiet)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // The reference's README: these force older OpenBLAS kernels; unset for a measurement.
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Interpreter}.");
        var output = new System.Text.StringBuilder();
        var error = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (output)
                output.AppendLine(e.Data);
            if (!quiet)
                Console.WriteLine($"    [python] {e.Data}");
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (error)
                    error.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        process.WaitForExit();
        lock (output)
            lock (error)
                return new Outcome(process.ExitCode, output.ToString(), error.ToString());
    }

}
