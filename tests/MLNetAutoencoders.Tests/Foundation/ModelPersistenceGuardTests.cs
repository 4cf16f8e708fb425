using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Foundation;

/// <summary>
/// Guards the mechanism every transformer of ours relies on to be saved with ML.NET's
/// <c>mlContext.Model.Save</c> and loaded back with <c>mlContext.Model.Load</c>, also by an application
/// that never touched our assemblies (build/MLNetInternals: internals of ML.NET, LoadableClass,
/// IgnoresAccessChecksTo). Uses <see cref="ScaleByFactorTransformer"/>, no torch.
/// </summary>
public sealed class ModelPersistenceGuardTests : IDisposable
{
    private const float Factor = 2.5f;
    private const int Width = 4;

    private readonly MLContext _ml = new(seed: 1);
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetae-guard-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    private sealed class Example
    {
        [VectorType(Width)]
        public float[] Features { get; set; } = [];
    }

    private IDataView Data() => _ml.Data.LoadFromEnumerable(new[]
    {
        new Example { Features = [0f, 1f, -2f, 3.25f] },
        new Example { Features = [10f, -0.5f, 7f, 1e-3f] },
        new Example { Features = [-4f, 2f, 0.1f, 100f] },
        new Example { Features = [1f / 3f, 6f, -7.75f, 0f] },
        new Example { Features = [float.MaxValue / 4f, float.Epsilon, -1e-30f, 42f] },
    });

    private string Save(ITransformer model, IDataView data, string name)
    {
        var path = Path.Combine(_folder, name + ".zip");
        _ml.Model.Save(model, data.Schema, path);
        return path;
    }

    private static float[][] Column(IDataView view, string name)
    {
        var column = view.Schema.GetColumnOrNull(name)
            ?? throw new Xunit.Sdk.XunitException($"Column '{name}' missing; columns: {string.Join(", ", view.Schema.Select(c => c.Name))}");
        return view.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
    }

    [Fact]
    public void TransformerMultipliesTheInputColumnByItsFactor()
    {
        var data = Data();

        var output = new ScaleByFactorTransformer(_ml, "Scaled", "Features", Factor).Transform(data);

        var expected = Column(data, "Features").Select(row => row.Select(v => v * Factor).ToArray()).ToArray();
        Assert.Equal(expected, Column(output, "Scaled"));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, Width), output.Schema["Scaled"].Type);
    }

    [Fact]
    public void SavedTransformerLoadsInProcessWithItsColumnsAndFactor()
    {
        var data = Data();
        var original = new ScaleByFactorTransformer(_ml, "Scaled", "Features", Factor);
        var path = Save(original, data, "alone");

        var loaded = new MLContext(seed: 2).Model.Load(path, out var inputSchema);

        var scale = Assert.IsType<ScaleByFactorTransformer>(loaded);
        Assert.Equal(Factor, scale.Factor);
        Assert.Equal(data.Schema["Features"].Type, inputSchema["Features"].Type);
        Assert.Equal(Column(original.Transform(data), "Scaled"), Column(loaded.Transform(data), "Scaled"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SavedTransformerLoadedInAFreshProcessGivesExactlyTheInProcessOutput(bool viaRowMapper)
    {
        var data = Data();
        var model = new ScaleByFactorTransformer(_ml, "Scaled", "Features", Factor);
        var path = Save(model, data, "alone");

        var fresh = FreshProcess.Transform(_ml, path, data, viaRowMapper);

        Assert.Equal(Column(model.Transform(data), "Scaled"), Column(fresh, "Scaled"));
        Assert.Equal(Column(data, "Features"), Column(fresh, "Features"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChainOfMLNetNormalizerAndOurTransformerLoadedInAFreshProcessGivesExactlyTheInProcessOutput(bool viaRowMapper)
    {
        var data = Data();
        var model = _ml.Transforms.NormalizeMinMax("Features").Fit(data)
            .Append(new ScaleByFactorTransformer(_ml, "Scaled", "Features", Factor));
        var path = Save(model, data, "chain");

        var fresh = FreshProcess.Transform(_ml, path, data, viaRowMapper);

        var inProcess = model.Transform(data);
        Assert.Equal(Column(inProcess, "Scaled"), Column(fresh, "Scaled"));
        Assert.Equal(Column(inProcess, "Features"), Column(fresh, "Features")); // the normalized column
        Assert.NotEqual(Column(data, "Features"), Column(fresh, "Features"));
    }

    [Fact]
    public void FreshProcessReportsAFailingChildWithItsExitCodeAndError()
    {
        var missing = Path.Combine(_folder, "no-such-model.zip");

        var result = FreshProcess.Run([FreshProcessProgram.TransformCommand, missing, missing, missing]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no-such-model.zip", result.StandardError);
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(result.AssertSucceeded);
        Assert.Contains("exited with code 1", failure.Message);
        Assert.Contains("no-such-model.zip", failure.Message);
    }

    [Fact]
    public void FreshProcessRejectsAnUnknownCommandAsBadUsage()
    {
        var result = FreshProcess.Run(["no-such-command"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage:", result.StandardError);
    }
}
