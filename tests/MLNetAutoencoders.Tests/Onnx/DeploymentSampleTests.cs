using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Samples.OnnxScoring;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using Repository = MLNetAutoencoders.Tests.Infrastructure.Repository;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// samples/OnnxScoring, the deployment side of an exported model: it references ML.NET and ONNX Runtime only (no
/// TorchSharp, none of our projects or packages), and its scorer (OnnxModelScorer.cs, compiled into this assembly)
/// gives what our transformer gives, through a batch and through a PredictionEngine.
/// </summary>
public class DeploymentSampleTests(ITestOutputHelper output)
{
    private const string SampleProject = "samples/OnnxScoring/MLNetAutoencoders.Samples.OnnxScoring.csproj";

    [Fact]
    public void TheDeploymentSampleReferencesOnlyMLNetTheOnnxTransformerAndOnnxRuntime()
    {
        // MSBuild's own evaluation, so every import counts (samples/Directory.Build.props, the repo's
        // Directory.Build.props/.targets and what they import), conditions included.
        var items = EvaluateItems(Repository.Path(SampleProject), "PackageReference", "ProjectReference");

        Assert.Equal(
            ["Microsoft.ML", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxTransformer"],
            items["PackageReference"].Order(StringComparer.Ordinal));
        Assert.Empty(items["ProjectReference"]);
    }

    [Fact]
    public void TheDeploymentSamplesScorerGivesTheTransformersColumnsForBatchesAndSingleRows()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(120);
        var data = ml.ToDataView(rows);
        using var model = ml.Transforms.Autoencoder(new AutoencoderOptions
        {
            LatentDimension = 2,
            HiddenLayerSizes = [8],
            NumberOfEpochs = 3,
            BatchSize = 32,
        }).Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"ae-deploy-{Guid.NewGuid():N}.onnx");
        try
        {
            // As QuickStart --export-onnx does: the graph's only input is Features, the only column the sample sends.
            var featuresOnly = SchemaDefinition.Create(typeof(FeaturesRow));
            featuresOnly[nameof(FeaturesRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Length);
            using (var stream = File.Create(path))
                ml.Model.ConvertToOnnx(model, ml.Data.LoadFromEnumerable(rows.Select(r => new FeaturesRow { Features = r }), featuresOnly), stream);

            var expected = model.Transform(data);
            var expectedEmbedding = expected.VectorColumn("Embedding");
            var expectedReconstruction = expected.VectorColumn("Reconstruction");
            var expectedError = expected.ScalarColumn("ReconstructionError").Select(e => new[] { e }).ToArray();

            using var scorer = new OnnxModelScorer(ml, path, rows[0].Length);
            var batch = scorer.Transform(data);
            ExportedModel.AssertClose(expectedEmbedding, batch.VectorColumn("Embedding"), "batch Embedding", output);
            ExportedModel.AssertClose(expectedReconstruction, batch.VectorColumn("Reconstruction"), "batch Reconstruction", output);
            ExportedModel.AssertClose(expectedError, batch.VectorColumn("ReconstructionError"), "batch ReconstructionError", output);

            var engine = scorer.CreatePredictionEngine();
            var single = rows.Select(r => engine.Predict(new FeaturesRow { Features = r })).ToArray();
            ExportedModel.AssertClose(expectedEmbedding, single.Select(s => s.Embedding).ToArray(), "PredictionEngine Embedding", output);
            ExportedModel.AssertClose(expectedReconstruction, single.Select(s => s.Reconstruction).ToArray(), "PredictionEngine Reconstruction", output);
            ExportedModel.AssertClose(expectedError, single.Select(s => s.ReconstructionError).ToArray(), "PredictionEngine ReconstructionError", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The evaluated items of <paramref name="project"/> (their Include values), from <c>dotnet msbuild -getItem</c>.</summary>
    private static Dictionary<string, string[]> EvaluateItems(string project, params string[] itemTypes)
    {
        // Under `dotnet test` the CLI says which dotnet runs it; else the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add("msbuild");
        start.ArgumentList.Add(project);
        foreach (var type in itemTypes)
            start.ArgumentList.Add($"-getItem:{type}");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "dotnet msbuild -getItem did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"dotnet msbuild -getItem exited {process.ExitCode}: {stdout.Result}{stderr.Result}");

        var evaluated = JsonNode.Parse(stdout.Result)!["Items"]!;
        return itemTypes.ToDictionary(
            type => type,
            type => (evaluated[type]?.AsArray() ?? []).Select(item => (string)item!["Identity"]!).ToArray());
    }
}
