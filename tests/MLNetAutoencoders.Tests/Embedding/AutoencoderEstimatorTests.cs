using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>The estimator/transformer pair behaves like an ML.NET transform.</summary>
public class AutoencoderEstimatorTests
{
    [Fact]
    public void TheEstimatorKeepsItsOwnCopyOfTheOptionsIncludingTheHiddenLayerSizes()
    {
        var ml = new MLContext(seed: 1);
        var options = new AutoencoderOptions { HiddenLayerSizes = [16, 8] };
        var embedding = ml.Transforms.Autoencoder(options);
        var detector = ml.AnomalyDetection.Trainers.Autoencoder(new MLNetAutoencoders.Anomaly.AutoencoderAnomalyOptions { Autoencoder = options });

        options.HiddenLayerSizes[0] = 3;
        embedding.Options.HiddenLayerSizes![1] = 5;

        Assert.Equal(new[] { 16, 8 }, embedding.Options.HiddenLayerSizes);
        Assert.Equal(new[] { 16, 8 }, detector.Options.Autoencoder.HiddenLayerSizes);
    }

    private static AutoencoderOptions SmallOptions(AutoencoderKind kind = AutoencoderKind.Undercomplete) => new()
    {
        Kind = kind,
        LatentDimension = 2,
        HiddenLayerSizes = [32],
        HiddenActivation = Activation.Tanh,
        NumberOfEpochs = 30,
        BatchSize = 32,
        LearningRate = 3e-3,
    };

    private static (MLContext ml, IDataView data) Manifold(int seed = 1, int rows = 512)
    {
        var ml = new MLContext(seed: seed);
        return (ml, ml.ToDataView(SyntheticData.Manifold(rows)));
    }

    [Fact]
    public void FitAddsEmbeddingReconstructionAndErrorColumnsOfTheDeclaredSizes()
    {
        var (ml, data) = Manifold();
        using var model = ml.Transforms.Autoencoder(SmallOptions()).Fit(data);
        var scored = model.Transform(data);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2), scored.Schema["Embedding"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 16), scored.Schema["Reconstruction"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["ReconstructionError"].Type);
        Assert.Equal(512, scored.VectorColumn("Embedding").Length);
        Assert.Equal(16, model.InputSize);
        Assert.Equal(2, model.LatentDimension);
        Assert.Equal(AutoencoderKind.Undercomplete, model.Kind);
    }

    [Fact]
    public void ReconstructionErrorIsThePerRowMeanSquaredErrorOfTheReconstruction()
    {
        var (ml, data) = Manifold();
        using var model = ml.Transforms.Autoencoder(SmallOptions()).Fit(data);
        var scored = model.Transform(data);

        var features = scored.VectorColumn("Features");
        var reconstruction = scored.VectorColumn("Reconstruction");
        var error = scored.ScalarColumn("ReconstructionError");
        for (var i = 0; i < features.Length; i++)
            Assert.Equal(features[i].Zip(reconstruction[i]).Average(p => (p.First - p.Second) * (p.First - p.Second)), error[i], 1e-5);
    }

    [Fact]
    public void TrainingLowersTheLossAndReconstructsTheManifoldBetterThanTheMean()
    {
        var (ml, data) = Manifold();
        using var model = ml.Transforms.Autoencoder(SmallOptions()).Fit(data);

        Assert.Equal(30, model.TrainingLoss.Count);
        Assert.True(model.TrainingLoss[^1] < model.TrainingLoss[0] * 0.5f, $"loss went from {model.TrainingLoss[0]} to {model.TrainingLoss[^1]}");
        var features = data.VectorColumn("Features");
        var mean = Enumerable.Range(0, 16).Select(j => features.Average(r => r[j])).ToArray();
        var baseline = SyntheticData.MeanSquaredError(features, features.Select(_ => mean).ToArray());
        var mse = model.Transform(data).ScalarColumn("ReconstructionError").Average();
        Assert.True(mse < baseline * 0.2, $"autoencoder MSE {mse} vs predicting the mean {baseline}");
    }

    [Fact]
    public void TheSameSeedGivesTheSameModelAndOutputsAndAnotherSeedDoesNot()
    {
        float[][] Embed(int seed)
        {
            var (ml, data) = Manifold(seed);
            using var model = ml.Transforms.Autoencoder(SmallOptions()).Fit(data);
            return model.Transform(data).VectorColumn("Embedding");
        }

        var first = Embed(3);
        Assert.Equal(first, Embed(3));
        Assert.NotEqual(first, Embed(4));
    }

    [Fact]
    public void OptionalColumnsCanBeRenamedOrSwitchedOff()
    {
        var (ml, data) = Manifold();
        var options = SmallOptions();
        options.OutputColumnName = "Code";
        options.ReconstructionColumnName = null;
        options.ReconstructionErrorColumnName = "Error";
        options.NumberOfEpochs = 1;
        using var model = ml.Transforms.Autoencoder(options).Fit(data);
        var schema = model.Transform(data).Schema;

        Assert.NotNull(schema.GetColumnOrNull("Code"));
        Assert.NotNull(schema.GetColumnOrNull("Error"));
        Assert.Null(schema.GetColumnOrNull("Reconstruction"));
        Assert.Null(schema.GetColumnOrNull("Embedding"));
    }

    [Fact]
    public void ScoringBatchSizeDoesNotChangeTheOutputs()
    {
        var (ml, data) = Manifold();
        var options = SmallOptions();
        options.NumberOfEpochs = 2;
        using var model = ml.Transforms.Autoencoder(options).Fit(data);
        var reference = model.Transform(data).VectorColumn("Reconstruction");

        using var tiny = ReloadWithScoringBatchSize(ml, model, data, 7);
        var batched = tiny.Transform(data).VectorColumn("Reconstruction");
        for (var i = 0; i < reference.Length; i++)
            for (var j = 0; j < reference[i].Length; j++)
                Assert.Equal(reference[i][j], batched[i][j], 1e-5);
    }

    private static AutoencoderEmbeddingTransformer ReloadWithScoringBatchSize(MLContext ml, AutoencoderEmbeddingTransformer model, IDataView data, int batchSize)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var copy = (AutoencoderEmbeddingTransformer)ml.Model.Load(stream, out _);
        return new AutoencoderEmbeddingTransformer(copy.FittedNetwork, copy.Columns, batchSize);
    }

    [Fact]
    public void PredictionEngineAndCursorSetsGiveTheSameOutputsAsTransform()
    {
        var (ml, data) = Manifold(rows: 64);
        var options = SmallOptions();
        options.NumberOfEpochs = 2;
        using var model = ml.Transforms.Autoencoder(options).Fit(data);
        var scored = model.Transform(data);
        var expected = scored.VectorColumn("Embedding");

        var engine = ml.Model.CreatePredictionEngine<SyntheticData.Row, EmbeddingRow>(model, inputSchemaDefinition: SchemaFor(data));
        var rows = ml.Data.CreateEnumerable<SyntheticData.Row>(data, reuseRowObject: false).ToList();
        // A batch of one takes other BLAS kernels than a batch of many: equal up to float rounding.
        for (var i = 0; i < rows.Count; i++)
            AssertClose(expected[i], engine.Predict(rows[i]).Embedding);

        var cursors = scored.GetRowCursorSet(new[] { scored.Schema["Embedding"] }, n: 4);
        var fromSet = new List<float[]>();
        foreach (var cursor in cursors)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
            var value = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                getter(ref value);
                fromSet.Add(value.DenseValues().ToArray());
            }
            cursor.Dispose();
        }
        Assert.Equal(expected, fromSet);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var j = 0; j < expected.Length; j++)
            Assert.Equal(expected[j], actual[j], 1e-5);
    }

    private static SchemaDefinition SchemaFor(IDataView data)
    {
        var definition = SchemaDefinition.Create(typeof(SyntheticData.Row));
        definition[nameof(SyntheticData.Row.Features)].ColumnType = data.Schema["Features"].Type;
        return definition;
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }

    [Fact]
    public void ValidationSplitRecordsAValidationLossPerEpochAndEarlyStoppingStops()
    {
        var (ml, data) = Manifold();
        var options = SmallOptions();
        options.ValidationFraction = 0.25f;
        options.NumberOfEpochs = 200;
        options.EarlyStoppingPatience = 2;
        options.LearningRate = 0.05;
        using var model = ml.Transforms.Autoencoder(options).Fit(data);

        Assert.Equal(model.TrainingLoss.Count, model.ValidationLoss.Count);
        Assert.True(model.TrainingLoss.Count < 200, "early stopping never triggered");
        var best = model.ValidationLoss.Min();
        var lastImprovement = model.ValidationLoss.ToList().IndexOf(best);
        Assert.Equal(model.ValidationLoss.Count - 1 - 2, lastImprovement);
    }

    [Fact]
    public void ProgressIsReportedAfterEveryEpochAndLoggedOnTheMLContextChannel()
    {
        var (ml, data) = Manifold();
        var lines = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Autoencoder epoch")) lock (lines) lines.Add(e.Message); };
        var reports = new List<AutoencoderTrainingProgress>();
        var options = SmallOptions();
        options.NumberOfEpochs = 3;
        options.Progress = new SynchronousProgress<AutoencoderTrainingProgress>(reports.Add);
        using var model = ml.Transforms.Autoencoder(options).Fit(data);

        Assert.Equal(new[] { 1, 2, 3 }, reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(3, r.NumberOfEpochs));
        Assert.Equal(model.TrainingLoss, reports.Select(r => r.TrainingLoss));
        Assert.Equal(3, lines.Count);
        Assert.Contains("epoch 3/3", lines[^1]);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
