using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>Fitted autoencoders save inside ML.NET model zips and load, also in a fresh process, with identical outputs.</summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly MLContext ml = new(seed: 1);
    private readonly IDataView data;
    private readonly string folder = Directory.CreateTempSubdirectory("mlnetae-persist-").FullName;

    public PersistenceTests()
    {
        var rows = SyntheticData.Manifold(96);
        data = ml.ToDataView(rows, rows.Select(r => r[0] > 0 ? 1f : 0f).ToArray());
    }

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    private static AutoencoderOptions Options(AutoencoderKind kind) => new()
    {
        Kind = kind,
        LatentDimension = 4,
        HiddenLayerSizes = [16],
        NumberOfEpochs = 2,
        BatchSize = 32,
        KSparseK = 2,
    };

    private string Save(ITransformer model, string name)
    {
        var path = Path.Combine(folder, name + ".zip");
        ml.Model.Save(model, data.Schema, path);
        return path;
    }

    /// <summary>The outputs of the PredictionEngine path, computed in this process.</summary>
    private static float[][] ViaRowMapper(ITransformer model, IDataView input, string column)
    {
        var mapper = model.GetRowToRowMapper(input.Schema);
        var output = mapper.OutputSchema[column];
        var result = new List<float[]>();
        using var cursor = input.GetRowCursor(mapper.GetDependencies(new[] { output }));
        using var row = mapper.GetRow(cursor, new[] { output });
        var getter = row.GetGetter<VBuffer<float>>(output);
        var value = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value.DenseValues().ToArray());
        }
        return result.ToArray();
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete)]
    [InlineData(AutoencoderKind.Denoising)]
    [InlineData(AutoencoderKind.Sparse)]
    [InlineData(AutoencoderKind.KSparse)]
    [InlineData(AutoencoderKind.Contractive)]
    [InlineData(AutoencoderKind.Variational)]
    public void EveryKindRoundTripsThroughAModelZipWithIdenticalOutputsAndHistory(AutoencoderKind kind)
    {
        var options = Options(kind);
        options.ValidationFraction = 0.25f;
        using var model = ml.Transforms.Autoencoder(options).Fit(data);
        var path = Save(model, kind.ToString());

        using var loaded = (AutoencoderEmbeddingTransformer)new MLContext().Model.Load(path, out var schema);
        Assert.Equal(data.Schema["Features"].Type, schema["Features"].Type);
        Assert.Equal(kind, loaded.Kind);
        Assert.Equal(model.Columns, loaded.Columns);
        Assert.Equal(model.TrainingLoss, loaded.TrainingLoss);
        Assert.Equal(model.ValidationLoss, loaded.ValidationLoss);
        Assert.Equal(model.Architecture.ScoringTopK, loaded.Architecture.ScoringTopK);
        foreach (var column in new[] { "Embedding", "Reconstruction" })
            Assert.Equal(model.Transform(data).VectorColumn(column), loaded.Transform(data).VectorColumn(column));
        Assert.Equal(model.Transform(data).ScalarColumn("ReconstructionError"), loaded.Transform(data).ScalarColumn("ReconstructionError"));
    }

    [Fact]
    public void AFreshProcessLoadsTheZipAndGivesIdenticalOutputsThroughTransformAndThePredictionEnginePath()
    {
        using var model = ml.Transforms.Autoencoder(Options(AutoencoderKind.Variational)).Fit(data);
        var path = Save(model, "alone");

        var viaTransform = FreshProcess.Transform(ml, path, data, viaRowMapper: false);
        var viaMapper = FreshProcess.Transform(ml, path, data, viaRowMapper: true);

        Assert.Equal(model.Transform(data).VectorColumn("Embedding"), viaTransform.VectorColumn("Embedding"));
        Assert.Equal(model.Transform(data).VectorColumn("Reconstruction"), viaTransform.VectorColumn("Reconstruction"));
        Assert.Equal(ViaRowMapper(model, data, "Embedding"), viaMapper.VectorColumn("Embedding"));
    }

    [Fact]
    public void AChainOfNormalizerAutoencoderAndKMeansRoundTripsThroughAFreshProcess()
    {
        var pipeline = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Autoencoder(Options(AutoencoderKind.Denoising)))
            .Append(ml.Clustering.Trainers.KMeans("Embedding", numberOfClusters: 3));
        var model = pipeline.Fit(data);
        var path = Save(model, "chain");
        var expected = model.Transform(data);

        var viaTransform = FreshProcess.Transform(ml, path, data, viaRowMapper: false);
        var viaMapper = FreshProcess.Transform(ml, path, data, viaRowMapper: true);

        Assert.Equal(expected.VectorColumn("Embedding"), viaTransform.VectorColumn("Embedding"));
        Assert.Equal(expected.VectorColumn("Score"), viaTransform.VectorColumn("Score"));
        Assert.Equal(expected.GetColumn<uint>(expected.Schema["PredictedLabel"]), viaTransform.GetColumn<uint>(viaTransform.Schema["PredictedLabel"]));
        Assert.Equal(ViaRowMapper(model, data, "Score"), viaMapper.VectorColumn("Score"));
    }

    [Fact]
    public void AChainWithSdcaOnTheEmbeddingRoundTripsInProcess()
    {
        var pipeline = ml.Transforms.Autoencoder(Options(AutoencoderKind.Undercomplete))
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression("Label", "Embedding", maximumNumberOfIterations: 5));
        var labelled = ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Boolean).Fit(data).Transform(data);
        var model = pipeline.Fit(labelled);
        using var stream = new MemoryStream();
        ml.Model.Save(model, labelled.Schema, stream);
        stream.Position = 0;

        var loaded = new MLContext().Model.Load(stream, out _);
        Assert.Equal(model.Transform(labelled).ScalarColumn("Probability"), loaded.Transform(labelled).ScalarColumn("Probability"));
    }
}
