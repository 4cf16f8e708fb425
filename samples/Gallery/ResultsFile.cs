using System.Text.Json;
using System.Text.Json.Nodes;
using MLNetAutoencoders.Benchmarks;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>
/// The results file a gallery sample writes beside its PNGs, <c>{name}.json</c>: the run (the command as typed,
/// commit, uncommitted changes, machine, load: the benchmarks' <see cref="RunRecord"/>), the data it ran on and the
/// figures README quotes under the sample's figure. Copied to docs/images with the PNGs, it is what README's block
/// <c>&lt;!-- results: {name} --&gt;</c> is rendered from (ResultsTables.{Name}, benchmarks/.../Tables/GalleryTables.cs).
/// Scalars only: the pictures are in the PNGs.
/// </summary>
internal sealed class ResultsFile
{
    private readonly DateTimeOffset started = DateTimeOffset.Now;
    private readonly string loadAtStart = RunRecord.LoadAverage();
    private readonly string name;
    private readonly string project;

    /// <summary>Starts the clock of the run: created when the sample starts.</summary>
    /// <param name="name">The file's name without .json, which is also README's block name ("vae-generation").</param>
    /// <param name="project">The sample's folder under samples/ ("VaeGeneration"), for the command.</param>
    public ResultsFile(string name, string project)
    {
        this.name = name;
        this.project = project;
    }

    /// <summary>
    /// Writes <c>{name}.json</c> to the output folder: "run", "sample", "dataset" ("full dataset" or "embedded
    /// subset"), "trainRows", "testRows", "epochs", "elapsedSeconds", "images" (file names), then the properties of
    /// <paramref name="figures"/> (camelCase). Returns the file's full path.
    /// </summary>
    public string Write(SampleSettings settings, GalleryData data, int epochs, TimeSpan elapsed, IEnumerable<string> images, object figures)
    {
        var run = RunRecord.Finish(SampleArguments.CommandLine(project, settings.Arguments), started, loadAtStart);
        var document = new JsonObject
        {
            ["run"] = JsonSerializer.SerializeToNode(run, RunRecord.JsonOptions),
            ["sample"] = project,
            ["dataset"] = data.IsEmbeddedSubset ? "embedded subset" : "full dataset",
            ["trainRows"] = data.Train.Count,
            ["testRows"] = data.Test.Count,
            ["epochs"] = epochs,
            ["elapsedSeconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["images"] = new JsonArray(images.Select(i => (JsonNode?)JsonValue.Create(Path.GetFileName(i))).ToArray()),
        };
        foreach (var (key, value) in JsonSerializer.SerializeToNode(figures, RunRecord.JsonOptions)!.AsObject())
            document[key] = value?.DeepClone();

        Directory.CreateDirectory(settings.OutputDirectory);
        var path = Path.GetFullPath(Path.Combine(settings.OutputDirectory, name + ".json"));
        File.WriteAllText(path, document.ToJsonString(RunRecord.JsonOptions) + "\n");
        settings.Log.WriteLine($"Results written to {path}");
        return path;
    }
}
