using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Reliability;

/// <summary>
/// The VaeSampler in long-running services: 8 threads at once, cancellation, disposal, bad input. Complements
/// Sampler/SamplerValidationTests (options, Decode sizes, missing Posterior column, Interpolate arguments).
/// </summary>
public class SamplerReliabilityTests
{
    private static AutoencoderOptions Vae(int epochs = 2) => new()
    {
        Kind = AutoencoderKind.Variational,
        LatentDimension = 3,
        HiddenLayerSizes = [16],
        NumberOfEpochs = epochs,
        BatchSize = 32,
        Seed = 4,
    };

    private static VaeSamplerOptions Options(VaeSamplingMode mode, int epochs = 2) => new()
    {
        Vae = Vae(epochs),
        Mode = mode,
        Output = VaeDecoderOutput.GaussianDraw,
        Seed = 8,
        ScoringBatchSize = 50,
    };

    private static (MLContext, IDataView) Data(int rows = 128)
    {
        var ml = new MLContext(seed: 1);
        return (ml, ml.ToDataView(SyntheticData.Manifold(rows)));
    }

    private sealed class SampleRow
    {
        public float[] Sample { get; set; } = [];
    }

    private static float[][] EngineSamples(MLContext ml, ITransformer sampler, IDataView data, List<SyntheticData.Row> rows)
    {
        var definition = SchemaDefinition.Create(typeof(SyntheticData.Row));
        definition[nameof(SyntheticData.Row.Features)].ColumnType = data.Schema["Features"].Type;
        using var engine = ml.Model.CreatePredictionEngine<SyntheticData.Row, SampleRow>(sampler,
            new PredictionEngineOptions { InputSchemaDefinition = definition, OwnsTransformer = false });
        return rows.Select(r => engine.Predict(r).Sample).ToArray();
    }

    [Theory]
    [InlineData(VaeSamplingMode.Prior)]
    [InlineData(VaeSamplingMode.Posterior)]
    public void EightThreadsSamplingWithTheSameTransformerGetTheSerialSamples(VaeSamplingMode mode)
    {
        var (ml, data) = Data(300);
        using var sampler = ml.Transforms.VaeSampler(Options(mode)).Fit(data);
        var rows = ml.Data.CreateEnumerable<SyntheticData.Row>(data, reuseRowObject: false).Take(40).ToList();
        var serial = sampler.Transform(data).VectorColumn("Sample");
        var serialEngine = EngineSamples(ml, sampler, data, rows);

        var results = new float[8][][];
        var engines = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            results[t] = sampler.Transform(data).VectorColumn("Sample");
            engines[t] = EngineSamples(ml, sampler, data, rows);
        });

        Assert.All(results, r => Assert.Equal(serial, r));
        Assert.All(engines, r => Assert.Equal(serialEngine, r));
        if (mode == VaeSamplingMode.Prior)
        {
            // The n-th call of each engine gives the n-th prior sample, whichever thread it runs on.
            var generated = sampler.Generate(rows.Count).VectorColumn("Sample");
            for (var i = 0; i < rows.Count; i++)
                for (var j = 0; j < 16; j++)
                    Assert.True(Math.Abs(generated[i][j] - serialEngine[i][j]) <= 1e-5, $"row {i} [{j}]: {generated[i][j]} vs {serialEngine[i][j]}");
        }
    }

    [Fact]
    public void EightThreadsGeneratingAtOnceGetTheSameSamples()
    {
        var (ml, data) = Data();
        using var sampler = ml.Transforms.VaeSampler(Options(VaeSamplingMode.Prior)).Fit(data);
        var serial = sampler.Generate(500).VectorColumn("Sample");

        var results = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t => results[t] = sampler.Generate(500).VectorColumn("Sample"));

        Assert.All(results, r => Assert.Equal(serial, r));
    }

    [Fact]
    public void CancelExecutionStopsTheVaesTrainingWithinABatchAndLeavesNoTensorsBehind()
    {
        var (ml, data) = Data(512);
        var reports = new List<AutoencoderTrainingProgress>();
        var options = Options(VaeSamplingMode.Prior, epochs: 50);
        options.Vae.Progress = new CallbackProgress(p =>
        {
            reports.Add(p);
            if (p.Epoch == 2)
                ml.CancelExecution();
        });
        var estimator = ml.Transforms.VaeSampler(options);
        var liveBefore = LiveTensors.OnThisThread;

        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(data));

        Assert.Equal(new[] { 1, 2 }, reports.Select(r => r.Epoch));
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    [Fact]
    public void DisposingFreesTheNetworkAndEveryLaterUseThrowsObjectDisposedException()
    {
        var (ml, data) = Data();
        var liveBefore = LiveTensors.OnThisThread;
        var sampler = ml.Transforms.VaeSampler(Options(VaeSamplingMode.Posterior)).Fit(data);
        var liveWithModel = LiveTensors.OnThisThread;
        var createdBefore = sampler.Transform(data);
        var mapperBefore = sampler.GetRowToRowMapper(data.Schema);

        sampler.Dispose();
        sampler.Dispose();

        Assert.True(liveWithModel > liveBefore, "the fitted sampler holds its weights as tensors");
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
        Assert.Throws<ObjectDisposedException>(() => sampler.Transform(data));
        Assert.Throws<ObjectDisposedException>(() => sampler.GetRowToRowMapper(data.Schema));
        Assert.Throws<ObjectDisposedException>(() => sampler.Generate(3));
        Assert.Throws<ObjectDisposedException>(() => sampler.Interpolate(new float[16], new float[16], 3));
        Assert.Throws<ObjectDisposedException>(() => createdBefore.VectorColumn("Sample"));
        Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(sampler, data.Schema, new MemoryStream()));
        using var cursor = data.GetRowCursor(data.Schema);
        using var row = mapperBefore.GetRow(cursor, mapperBefore.OutputSchema);
        cursor.MoveNext();
        var sample = default(VBuffer<float>);
        Assert.Throws<ObjectDisposedException>(() => row.GetGetter<VBuffer<float>>(row.Schema["Sample"])(ref sample));
    }

    [Theory]
    [MemberData(nameof(BadInputs.Cases), MemberType = typeof(BadInputs))]
    public void TrainingOnAColumnOfAWrongTypeFailsBeforeTrainingNamingColumnAndTypes(string kind)
    {
        var ml = new MLContext(seed: 1);
        var data = BadInputs.View(ml, kind);
        var estimator = ml.Transforms.VaeSampler(Options(VaeSamplingMode.Prior));

        var schemaError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema)));
        var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));

        Assert.Equal(schemaError.Message, fitError.Message);
        Assert.Contains($"Input column 'Features' (the VAE is trained on it) has type {BadInputs.EstimatorTypeName(kind)}; expected a known-size vector of Single", fitError.Message);
    }

    [Theory]
    [MemberData(nameof(BadInputs.Cases), MemberType = typeof(BadInputs))]
    public void PosteriorSamplingFromAColumnOfAWrongTypeNamesColumnAndBothTypes(string kind)
    {
        var (ml, data) = Data(64);
        using var sampler = ml.Transforms.VaeSampler(Options(VaeSamplingMode.Posterior)).Fit(data);
        var bad = BadInputs.View(ml, kind);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Transform(bad));

        Assert.Contains($"Input column 'Features' has type {BadInputs.TransformerTypeName(kind)}; expected a vector of Single of size 16", ex.Message);
        Assert.Equal(ex.Message, Assert.Throws<ArgumentOutOfRangeException>(() => sampler.GetOutputSchema(bad.Schema)).Message);
        Assert.Equal(ex.Message, Assert.Throws<ArgumentOutOfRangeException>(() => sampler.GetRowToRowMapper(bad.Schema)).Message);
    }

    [Fact]
    public void PosteriorSamplingFromAVectorOfAnotherSizeNamesBothSizes()
    {
        var (ml, data) = Data(64);
        using var sampler = ml.Transforms.VaeSampler(Options(VaeSamplingMode.Posterior)).Fit(data);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Transform(ml.ToDataView(SyntheticData.Manifold(4, features: 10))));

        Assert.Contains("'Features' has type Vector<Single, 10>; expected a vector of Single of size 16", ex.Message);
    }

    [Fact]
    public void PriorSamplingIgnoresTheInputColumnsWhateverTheirTypes()
    {
        var (ml, data) = Data(64);
        using var sampler = ml.Transforms.VaeSampler(Options(VaeSamplingMode.Prior)).Fit(data);

        var samples = sampler.Transform(BadInputs.View(ml, "Text")).VectorColumn("Sample");

        Assert.Equal(sampler.Generate(2).VectorColumn("Sample"), samples);
    }

    [Fact]
    public void NaNInAScoringRowPropagatesToThatRowsPosteriorSampleOnly()
    {
        var (ml, data) = Data(64);
        using var sampler = ml.Transforms.VaeSampler(Options(VaeSamplingMode.Posterior)).Fit(data);
        var rows = SyntheticData.Manifold(4, seed: 9);
        rows[2][7] = float.NaN;

        var samples = sampler.Transform(ml.ToDataView(rows)).VectorColumn("Sample");

        Assert.All(samples[2], v => Assert.True(float.IsNaN(v)));
        Assert.All(new[] { samples[0], samples[1], samples[3] }, s => Assert.All(s, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void EmptyTrainingDataFailsNamingTheColumn()
    {
        var (ml, data) = Data(10);
        var empty = ml.Data.FilterRowsByColumn(data, "Label", lowerBound: 5, upperBound: 6);

        var ex = Assert.Throws<InvalidOperationException>(() => ml.Transforms.VaeSampler(Options(VaeSamplingMode.Prior)).Fit(empty));

        Assert.Contains("Column 'Features' has no rows", ex.Message);
    }

    [Fact]
    public void FewerRowsThanOneBatchStillTrainAFiniteSampler()
    {
        var (ml, data) = Data(5);
        var options = Options(VaeSamplingMode.Posterior);
        options.Vae.BatchSize = 256;

        using var sampler = ml.Transforms.VaeSampler(options).Fit(data);

        Assert.All(sampler.Transform(data).VectorColumn("Sample"), s => Assert.All(s, v => Assert.True(float.IsFinite(v))));
    }

    [Theory]
    [InlineData(nameof(VaeSamplerOptions.ScoringBatchSize), 0)]
    [InlineData("Vae." + nameof(AutoencoderOptions.NumberOfEpochs), 0)]
    [InlineData("Vae." + nameof(AutoencoderOptions.LatentDimension), -1)]
    [InlineData("Vae." + nameof(AutoencoderOptions.BatchSize), 0)]
    public void InvalidOptionsAreRejectedWhenTheEstimatorIsCreated(string option, int value)
    {
        var options = Options(VaeSamplingMode.Prior);
        if (option.StartsWith("Vae.", StringComparison.Ordinal))
            typeof(AutoencoderOptions).GetField(option[4..])!.SetValue(options.Vae, value);
        else
            typeof(VaeSamplerOptions).GetField(option)!.SetValue(options, value);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.VaeSampler(options));

        Assert.Equal(option.Replace("Vae.", ""), ex.ParamName);
        Assert.Contains($"got {value}", ex.Message);
    }
}
