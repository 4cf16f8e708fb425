using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Per-seed records of a quality run whose seeds take longer together than one working session (<c>quality --network
/// conv --channels 64,128</c>: about 1 h a seed). Each finished seed writes <c>seeds/{run}.seed{N}.json</c> beside the
/// results file: its figures, its settings, its own <see cref="RunRecord"/>, and the git trees of the code that
/// decides its figures (src/ and benchmarks/reference/). A later run with the same settings reuses a record only
/// when those trees are today's and neither run had uncommitted changes there; the results file then names every
/// reused seed's commit and times in its notes. Anything else (other settings, other code, a dirty tree, an
/// unreadable file) measures the seed again.
/// </summary>
internal sealed class SeedRecords
{
    /// <summary>The code a seed's figures depend on: the library and the reference scripts.</summary>
    public static readonly string[] CodePaths = ["src", "benchmarks/reference"];

    private readonly string directory;
    private readonly string run;
    private readonly JsonNode settings;
    private readonly Func<string, string?> tree;
    private readonly Func<bool> dirty;

    /// <param name="resultsDirectory">Where the results file goes; the records go into its <c>seeds</c> folder.</param>
    /// <param name="run">The results file's name, e.g. <c>quality-conv-64-128</c>.</param>
    /// <param name="settings">Everything besides the seed that decides the figures; a record with other settings is not reused.</param>
    /// <param name="tree">The git tree hash of a path at HEAD, null if unknown (tests pass their own).</param>
    /// <param name="dirty">Whether this run's code has uncommitted changes (<see cref="RunRecord.IsDirty"/>; tests pass their own).</param>
    public SeedRecords(string resultsDirectory, string run, object settings, Func<string, string?>? tree = null, Func<bool>? dirty = null)
    {
        directory = Path.Combine(resultsDirectory, "seeds");
        this.run = run;
        this.settings = JsonSerializer.SerializeToNode(settings, RunRecord.JsonOptions)!;
        this.tree = tree ?? GitTree;
        this.dirty = dirty ?? RunRecord.IsDirty;
    }

    /// <summary>The record's path for <paramref name="seed"/>.</summary>
    public string PathOf(int seed) => Path.Combine(directory, $"{run}.seed{seed}.json");

    /// <summary>
    /// The figures of a reusable record of <paramref name="seed"/>, with a note naming where they came from; null
    /// (with the reason printed) when there is none to reuse.
    /// </summary>
    public (T Figures, string Note)? TryReuse<T>(int seed)
    {
        var path = PathOf(seed);
        if (!File.Exists(path))
            return null;
        var reason = WhyNotReusable(path, out var record);
        if (reason is not null)
        {
            Console.WriteLine($"  seed {seed}: not reusing {path}: {reason}; measuring it again.");
            return null;
        }
        var figures = record!["figures"].Deserialize<T>(RunRecord.JsonOptions)!;
        var runRecord = record["run"]!;
        var note = $"seed {seed} reused from {Path.GetFileName(path)}: measured at commit {runRecord["commit"]} from {runRecord["started"]} to {runRecord["finished"]} " +
                   $"(load average {runRecord["machine"]?["loadAverageAtStart"]} at start), with the same settings and the same trees of {string.Join(" and ", CodePaths)}";
        Console.WriteLine($"  {note}.");
        return (figures, note);
    }

    /// <summary>Writes <paramref name="seed"/>'s record: <paramref name="figures"/>, the settings, the code trees and the run.</summary>
    public string Save<T>(int seed, T figures, string[] arguments, DateTimeOffset started, string loadAtStart)
    {
        var document = new Dictionary<string, object?>
        {
            ["run"] = RunRecord.Finish(arguments, started, loadAtStart),
            ["seed"] = seed,
            ["settings"] = settings.DeepClone(),
            ["trees"] = CodePaths.ToDictionary(p => p, p => tree(p)),
            ["figures"] = figures,
        };
        var path = RunRecord.Write(directory, Path.GetFileNameWithoutExtension(PathOf(seed)), document);
        return path;
    }

    private string? WhyNotReusable(string path, out JsonNode? record)
    {
        record = null;
        try
        {
            record = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            return $"unreadable ({ex.Message})";
        }
        if (record?["figures"] is null || record["run"] is null)
            return "no figures or run";
        if (!JsonNode.DeepEquals(record["settings"], settings))
            return $"other settings ({record["settings"]?.ToJsonString()}; this run {settings.ToJsonString()})";
        if (record["run"]!["dirty"]?.GetValue<bool>() != false)
            return "measured with uncommitted changes";
        foreach (var codePath in CodePaths)
        {
            var today = tree(codePath);
            var then = (string?)record["trees"]?[codePath];
            if (today is null || then != today)
                return $"{codePath} differs (then {then ?? "unknown"}, now {today ?? "unknown"})";
        }
        if (dirty())
            return "this run has uncommitted changes";
        return null;
    }

    private static string? GitTree(string path) => RunRecord.Git($"rev-parse HEAD:{path}") is { Length: > 0 } tree ? tree : null;
}
