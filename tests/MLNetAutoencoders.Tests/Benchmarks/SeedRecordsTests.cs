using System.Text.Json.Nodes;
using MLNetAutoencoders.Benchmarks;
using Xunit;

namespace MLNetAutoencoders.Tests.Benchmarks;

/// <summary>
/// A long quality run keeps each finished seed (benchmarks/.../SeedRecords.cs) and a later run reuses it only when
/// nothing that decides its figures changed: the settings, the trees of src/ and benchmarks/reference/, and clean
/// working trees then and now.
/// </summary>
public sealed class SeedRecordsTests : IDisposable
{
    private sealed record Figures(double OursMse, double ReferenceMse);

    private static readonly object Settings = new { epochs = 20, channels = new[] { 64, 128 } };
    private static readonly string[] Arguments = ["quality", "--network", "conv", "--channels", "64,128"];
    private readonly string directory = Path.Combine(Path.GetTempPath(), "seed-records-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> trees = new() { ["src"] = "tree-src-1", ["benchmarks/reference"] = "tree-ref-1" };

    public void Dispose()
    {
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    private SeedRecords Records(object? settings = null, bool dirty = false) =>
        new(directory, "quality-conv-64-128", settings ?? Settings, path => trees[path], () => dirty);

    /// <summary>Saves seed 2's figures as a committed (clean) run records them, whatever the test's own tree.</summary>
    private string SaveClean(Figures figures, int seed = 2)
    {
        var path = Records().Save(seed, figures, Arguments, DateTimeOffset.Now, "0.10 0.20 0.30");
        var record = JsonNode.Parse(File.ReadAllText(path))!;
        record["run"]!["dirty"] = false;
        File.WriteAllText(path, record.ToJsonString());
        return path;
    }

    [Fact]
    public void ASavedSeedIsReusedWithItsFiguresAndANoteNamingItsCommitWhenSettingsAndCodeAreUnchanged()
    {
        var path = SaveClean(new Figures(0.007306, 0.0074));
        Assert.Equal(Path.Combine(directory, "seeds", "quality-conv-64-128.seed2.json"), path);
        var commit = (string)JsonNode.Parse(File.ReadAllText(path))!["run"]!["commit"]!;

        var reused = Records().TryReuse<Figures>(2);

        Assert.NotNull(reused);
        Assert.Equal(new Figures(0.007306, 0.0074), reused.Value.Figures);
        Assert.StartsWith($"seed 2 reused from quality-conv-64-128.seed2.json: measured at commit {commit} from ", reused.Value.Note);
        Assert.Contains("(load average 0.10 0.20 0.30 at start)", reused.Value.Note);
        Assert.Null(Records().TryReuse<Figures>(1));
    }

    [Fact]
    public void ASeedIsMeasuredAgainWhenItsSettingsDiffer()
    {
        SaveClean(new Figures(1, 2));
        Assert.Null(Records(new { epochs = 19, channels = new[] { 64, 128 } }).TryReuse<Figures>(2));
        Assert.Null(Records(new { epochs = 20, channels = new[] { 32, 64 } }).TryReuse<Figures>(2));
    }

    [Theory]
    [InlineData("src")]
    [InlineData("benchmarks/reference")]
    public void ASeedIsMeasuredAgainWhenTheCodeThatDecidesItsFiguresChanged(string codePath)
    {
        SaveClean(new Figures(1, 2));
        trees[codePath] = "tree-changed";
        Assert.Null(Records().TryReuse<Figures>(2));
        trees[codePath] = null;
        Assert.Null(Records().TryReuse<Figures>(2));
    }

    [Fact]
    public void ASeedMeasuredOrReusedWithUncommittedChangesIsMeasuredAgain()
    {
        var path = Records().Save(2, new Figures(1, 2), Arguments, DateTimeOffset.Now, "0");
        var record = JsonNode.Parse(File.ReadAllText(path))!;
        record["run"]!["dirty"] = true;
        File.WriteAllText(path, record.ToJsonString());
        Assert.Null(Records().TryReuse<Figures>(2));

        SaveClean(new Figures(1, 2));
        Assert.NotNull(Records().TryReuse<Figures>(2));
        Assert.Null(Records(dirty: true).TryReuse<Figures>(2));
    }

    [Fact]
    public void AnUnreadableRecordIsMeasuredAgainRatherThanFailingTheRun()
    {
        Directory.CreateDirectory(Path.Combine(directory, "seeds"));
        File.WriteAllText(Records().PathOf(3), "{ not json");
        Assert.Null(Records().TryReuse<Figures>(3));
    }
}
