using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Reliability;

/// <summary>The embedding transformer in long-running services: disposal, cancellation, concurrency, odd data.</summary>
public class EmbeddingReliabilityTests
{
    private static AutoencoderOptions Small(int epochs = 2) => new()
    {
        LatentDimension = 3,
        HiddenLayerSizes = [16],
        NumberOfEpochs = epochs,
        BatchSize = 32,
    };

    private static (MLContext, IDataView) Data(int rows = 128)
    {
        var ml = new MLContext(seed: 1);
        return (ml, ml.ToDataView(SyntheticData.Manifold(rows)));
    }

    [Fact]
    public void DisposingFreesTheNetworkAndEveryLaterUseThrowsObjectDisposedException()
    {
        var (ml, data) = Data();
        var model = ml.Transforms.Autoencoder(Small()).Fit(data);
        var createdBefore = model.Transform(data);

        model.Dispose();
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Transform(data));
        Assert.Throws<ObjectDisposedException>(() => model.GetRowToRowMapper(data.Schema));
        Assert.Throws<ObjectDisposedException>(() => createdBefore.VectorColumn("Embedding"));
        Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(model, data.Schema, new MemoryStream()));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(300)]
    public void ACursorFreesTheInputTensorItScoresFromWhenDisposedAfterAnyNumberOfRows(int rowsRead)
    {
        // The cursor's input batch is one tensor the network reads in place, outside any dispose scope: the cursor owns it.
        var (ml, data) = Data(300);
        using var model = ml.Transforms.Autoencoder(Small()).Fit(data);
        var scored = model.Transform(data);
        var liveBefore = LiveTensors.OnThisThread;

        using (var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name == "Embedding")))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
            var embedding = default(VBuffer<float>);
            for (var i = 0; i < rowsRead && cursor.MoveNext(); i++)
                getter(ref embedding);
            Assert.Equal(3, embedding.Length);
            Assert.True(LiveTensors.OnThisThread > liveBefore);
        }

        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    [Fact]
    public void CancelExecutionStopsTrainingWithinABatchAndLeavesNoTensorsBehind()
    {
        var (ml, data) = Data(512);
        var reports = new List<AutoencoderTrainingProgress>();
        var options = Small(epochs: 50);
        options.Progress = new CallbackProgress(p =>
        {
            reports.Add(p);
            if (p.Epoch == 2)
                ml.CancelExecution();
        });
        var estimator = ml.Transforms.Autoencoder(options);
        var liveBefore = LiveTensors.OnThisThread;

        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(data));

        Assert.Equal(new[] { 1, 2 }, reports.Select(r => r.Epoch));
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    [Fact]
    public void EightThreadsScoringTheSameTransformerGetTheSerialResults()
    {
        var (ml, data) = Data(300);
        using var model = ml.Transforms.Autoencoder(Small()).Fit(data);
        var serial = model.Transform(data).VectorColumn("Reconstruction");
        var rows = ml.Data.CreateEnumerable<SyntheticData.Row>(data, reuseRowObject: false).ToList();
        var serialSingle = SingleRowOutputs(ml, model, data, rows);

        var results = new float[8][][];
        var singles = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            results[t] = model.Transform(data).VectorColumn("Reconstruction");
            singles[t] = SingleRowOutputs(ml, model, data, rows);
        });

        Assert.All(results, r => Assert.Equal(serial, r));
        Assert.All(singles, r => Assert.Equal(serialSingle, r));
    }

    private sealed class ReconstructionRow
    {
        public float[] Reconstruction { get; set; } = [];
    }

    private static float[][] SingleRowOutputs(MLContext ml, ITransformer model, IDataView data, List<SyntheticData.Row> rows)
    {
        var definition = SchemaDefinition.Create(typeof(SyntheticData.Row));
        definition[nameof(SyntheticData.Row.Features)].ColumnType = data.Schema["Features"].Type;
        // A PredictionEngine disposes the transformer it owns; engines sharing one transformer must not own it.
        using var engine = ml.Model.CreatePredictionEngine<SyntheticData.Row, ReconstructionRow>(model,
            new PredictionEngineOptions { InputSchemaDefinition = definition, OwnsTransformer = false });
        return rows.Select(r => engine.Predict(r).Reconstruction).ToArray();
    }

    [Fact]
    public void NaNInAScoringRowPropagatesToThatRowOnly()
    {
        var (ml, data) = Data();
        using var model = ml.Transforms.Autoencoder(Small()).Fit(data);
        var rows = SyntheticData.Manifold(4, seed: 9);
        rows[1][5] = float.NaN;

        var error = model.Transform(ml.ToDataView(rows)).ScalarColumn("ReconstructionError");
        Assert.True(float.IsNaN(error[1]));
        Assert.All(new[] { error[0], error[2], error[3] }, e => Assert.True(float.IsFinite(e)));
    }

    [Fact]
    public void FewerRowsThanOneBatchAndConstantFeaturesStillTrain()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(5);
        foreach (var row in rows)
            row[0] = 7f;
        var options = Small();
        options.BatchSize = 256;
        using var model = ml.Transforms.Autoencoder(options).Fit(ml.ToDataView(rows));

        Assert.All(model.Transform(ml.ToDataView(rows)).ScalarColumn("ReconstructionError"), e => Assert.True(float.IsFinite(e)));
    }

    [Fact]
    public void ExtremeMagnitudesFailWithAnExplanationInsteadOfSilentNaNWeights()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(64).Select(r => r.Select(v => v * 1e30f).ToArray()).ToArray();

        var ex = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small()).Fit(ml.ToDataView(rows)));
        Assert.Contains("Training diverged at epoch 1", ex.Message);
        Assert.Contains("normalize the input column", ex.Message);
    }
}
