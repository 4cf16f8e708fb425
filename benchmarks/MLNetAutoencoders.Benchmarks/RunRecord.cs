using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// What every results file records about the run that produced it: the command a user types to reproduce it,
/// the commit of the code measured (and whether src/, samples/ or benchmarks/ had uncommitted changes), the
/// machine and its load. README tables are rendered from results files (see Tables/), and name this command and
/// commit. The gallery samples write results files too: samples/Gallery compiles this file (and RepositoryPaths.cs) by link.
/// </summary>
internal sealed record RunRecord(
    string Command,
    string Commit,
    bool Dirty,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    RunMachine Machine)
{
    /// <summary>The benchmark program's command line as a user types it from the repository root.</summary>
    public static string CommandLine(IEnumerable<string> arguments) =>
        "dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- " + string.Join(' ', arguments);

    /// <summary>Records a run of the benchmark program with <paramref name="arguments"/> (<see cref="CommandLine"/>).</summary>
    public static RunRecord Finish(IEnumerable<string> arguments, DateTimeOffset started, string loadAtStart) =>
        Finish(CommandLine(arguments), started, loadAtStart);

    /// <summary>
    /// Records a run of <paramref name="command"/> (as typed from the repository root) that began at
    /// <paramref name="started"/> with load <paramref name="loadAtStart"/> and ends now.
    /// </summary>
    public static RunRecord Finish(string command, DateTimeOffset started, string loadAtStart)
    {
        var (commit, dirty) = GitState();
        return new RunRecord(command, commit, dirty, started, DateTimeOffset.Now, new RunMachine(
            Environment.ProcessorCount, CpuModel(), System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            Environment.Version.ToString(), torch.get_num_threads(), torch.get_num_interop_threads(), loadAtStart, LoadAverage()));
    }

    /// <summary>Serializes <paramref name="document"/> (which should hold a <see cref="RunRecord"/> as "run") to <c>{name}.json</c>.</summary>
    public static string Write(string directory, string name, object document)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(document, JsonOptions));
        Console.WriteLine($"Results written to {path}");
        return path;
    }

    /// <summary>camelCase, indented, NaN/infinity allowed, nulls left out.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>1-, 5- and 15-minute load averages (Linux), or "n/a".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>Whether src/, samples/ or the benchmark code have uncommitted changes (what <see cref="Dirty"/> records).</summary>
    public static bool IsDirty() => GitState().Dirty;

    private static (string Commit, bool Dirty) GitState()
    {
        var commit = Git("rev-parse HEAD") ?? "n/a";
        var changes = Git("status --porcelain -- src samples benchmarks/MLNetAutoencoders.Benchmarks benchmarks/reference");
        return (commit, !string.IsNullOrWhiteSpace(changes));
    }

    /// <summary>The trimmed output of <c>git {arguments}</c> run at the repository root; null if git fails or is missing.</summary>
    public static string? Git(string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                // GitState's pathspecs are relative to the repository root.
                WorkingDirectory = RepositoryPaths.Root,
            };
            using var git = Process.Start(start);
            var output = git!.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>The machine a run was measured on.</summary>
internal sealed record RunMachine(int LogicalCores, string Cpu, string Os, string Dotnet, int TorchThreads,
    int TorchInteropThreads, string LoadAverageAtStart, string LoadAverageAtEnd);
