using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MLNetAutoencoders.Benchmarks;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Documentation;

/// <summary>
/// The figures README.md and benchmarks/README.md quote come from results files of the code measured, through the
/// renderers in benchmarks/MLNetAutoencoders.Benchmarks/Tables (compiled into this project by link).
/// </summary>
public class ReadmeFiguresTests
{
    public static TheoryData<string> Documents() => new(ReadmeBlocks.Documents);

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryGeneratedBlockMatchesItsResultsFile(string document)
    {
        var markdown = File.ReadAllText(Repository.Path(document));

        var drift = ReadmeBlocks.Drift(markdown, name => ReadmeBlocks.Render(name, Repository.Root));

        Assert.True(drift.Count == 0, string.Join("\n\n", drift.Select(d =>
            $"{document}: the block '{d.Name}' no longer matches {ReadmeBlocks.ResultsFile(d.Name, Repository.Root)} " +
            $"(rewrite it with: dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- readme).\n" +
            $"-- written --\n{d.Written}-- rendered --\n{d.Rendered}")));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryQuotedResultsFileRecordsTheCommandAndTheCleanCommitItMeasured(string document)
    {
        foreach (var name in ReadmeBlocks.Names(File.ReadAllText(Repository.Path(document))))
        {
            var run = JsonNode.Parse(File.ReadAllText(ReadmeBlocks.ResultsFile(name, Repository.Root)))!["run"];
            Assert.True(run is not null, $"{name}.json has no 'run' record");
            Assert.Matches("^[0-9a-f]{40}$", (string?)run!["commit"] ?? "");
            Assert.False((bool?)run["dirty"] ?? true, $"{name}.json was measured with uncommitted changes in src/, samples/ or benchmarks/");
            Assert.StartsWith("dotnet run ", (string?)run["command"] ?? "");
        }
    }

    [Fact]
    public void AChangedFigureIsDetectedAndRewritten()
    {
        const string markdown = "intro\n<!-- results: speed -->\n| Fit | 1.07 |\n<!-- /results -->\noutro\n";
        static string Render(string name) => name == "speed" ? "| Fit | 0.96 |\n" : throw new ArgumentException(name);

        var drift = ReadmeBlocks.Drift(markdown, Render);
        var updated = ReadmeBlocks.Update(markdown, Render);

        Assert.Equal(("speed", "| Fit | 1.07 |\n", "| Fit | 0.96 |\n"), Assert.Single(drift));
        Assert.Equal("intro\n<!-- results: speed -->\n| Fit | 0.96 |\n<!-- /results -->\noutro\n", updated);
        Assert.Empty(ReadmeBlocks.Drift(updated, Render));
    }

    [Fact]
    public void ABlockNamesItsResultsFileAndRendererAndOptionallyAView()
    {
        Assert.Equal("AnomalyFmnist", ReadmeBlocks.Renderer("anomaly-fmnist").Name);
        Assert.Equal("AnomalyFmnistClasses", ReadmeBlocks.Renderer("anomaly-fmnist:classes").Name);
        Assert.Equal(ReadmeBlocks.ResultsFile("anomaly-fmnist", Repository.Root), ReadmeBlocks.ResultsFile("anomaly-fmnist:classes", Repository.Root));
        Assert.Equal(["speed", "anomaly-fmnist:classes"],
            ReadmeBlocks.Names("<!-- results: speed -->\nx\n<!-- /results -->\n<!-- results: anomaly-fmnist:classes -->\ny\n<!-- /results -->\n"));
    }

    [Fact]
    public void ABlockWithoutARendererOrResultsFileFailsByName()
    {
        var missingFile = Assert.Throws<FileNotFoundException>(() => ReadmeBlocks.Render("no-such-benchmark", Repository.Root));
        Assert.Contains("'no-such-benchmark'", missingFile.Message);
        var missingRenderer = Assert.Throws<InvalidOperationException>(() => ReadmeBlocks.Renderer("no-such-benchmark"));
        Assert.Contains("ResultsTables.NoSuchBenchmark", missingRenderer.Message);
    }
}
