using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Reliability;

/// <summary>
/// The anomaly detector in long-running services: 8 threads at once, cancellation, disposal, bad input. Complements
/// Anomaly/AnomalyOptionsValidationTests (option ranges, empty data, missing column in GetOutputSchema).
/// </summary>
public class AnomalyReliabilityTests
{
    private static AutoencoderAnomalyOptions Options(AutoencoderKind kind = AutoencoderKind.Undercomplete, int epochs = 2)
    {
        var options = new AutoencoderAnomalyOptions { Contamination = 0.1f, VaeScoringSamples = 3 };
        options.Autoencoder.Kind = kind;
        options.Autoencoder.LatentDimension = 3;
        options.Autoencoder.HiddenLayerSizes = [16];
        options.Autoencoder.NumberOfEpochs = epochs;
        options.Autoencoder.BatchSize = 32;
        options.Autoencoder.Seed = 2;
        options.Autoencoder.ScoringBatchSize = 50;
        return options;
    }

    private static (MLContext, IDataView) Data(int rows = 128)
    {
        var ml = new MLContext(seed: 1);
        return (ml, ml.ToDataView(SyntheticData.Manifold(rows)));
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private static (float[] Scores, bool[] Labels) EngineOutputs(MLContext ml, ITransformer model, IDataView data, List<SyntheticData.Row> rows)
    {
        var definition = SchemaDefinition.Create(typeof(SyntheticData.Row));
        definition[nameof(SyntheticData.Row.Features)].ColumnType = data.Schema["Features"].Type;
        using var engine = ml.Model.CreatePredictionEngine<SyntheticData.Row, Prediction>(model,
            new PredictionEngineOptions { InputSchemaDefinition = definition, OwnsTransformer = false });
        var predictions = rows.Select(engine.Predict).Select(p => (p.Score, p.PredictedLabel)).ToArray();
        return (predictions.Select(p => p.Score).ToArray(), predictions.Select(p => p.PredictedLabel).ToArray());
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete)]
    [InlineData(AutoencoderKind.Variational)]
    public void EightThreadsScoringTheSameDetectorGetTheSerialScoresAndLabels(AutoencoderKind kind)
    {
        var (ml, data) = Data(300);
        using var model = ml.AnomalyDetection.Trainers.Autoencoder(Options(kind)).Fit(data);
        var rows = ml.Data.CreateEnumerable<SyntheticData.Row>(data, reuseRowObject: false).Take(60).ToList();
        var serialScores = model.Transform(data).ScalarColumn("Score");
        var serialLabels = model.Transform(data).GetColumn<bool>("PredictedLabel").ToArray();
        var serialEngine = EngineOutputs(ml, model, data, rows);

        var scores = new float[8][];
        var labels = new bool[8][];
        var engines = new (float[] Scores, bool[] Labels)[8];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var scored = model.Transform(data);
            scores[t] = scored.ScalarColumn("Score");
            labels[t] = scored.GetColumn<bool>("PredictedLabel").ToArray();
            engines[t] = EngineOutputs(ml, model, data, rows);
        });

        Assert.Contains(true, serialLabels);
        Assert.All(scores, s => Assert.Equal(serialScores, s));
        Assert.All(labels, l => Assert.Equal(serialLabels, l));
        Assert.All(engines, e => Assert.Equal(serialEngine.Scores, e.Scores));
        Assert.All(engines, e => Assert.Equal(serialEngine.Labels, e.Labels));
        // A single row scores as in a batch (up to float rounding of the batched kernels).
        for (var i = 0; i < rows.Count; i++)
            Assert.True(Math.Abs(serialScores[i] - serialEngine.Scores[i]) <= 1e-5 * Math.Max(1, serialScores[i]), $"row {i}: {serialScores[i]} vs {serialEngine.Scores[i]}");
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete)]
    [InlineData(AutoencoderKind.Variational)]
    public void CancelExecutionStopsTrainingWithinABatchAndLeavesNoTensorsBehind(AutoencoderKind kind)
    {
        var (ml, data) = Data(512);
        var reports = new List<AutoencoderTrainingProgress>();
        var options = Options(kind, epochs: 50);
        options.Autoencoder.Progress = new CallbackProgress(p =>
        {
            reports.Add(p);
            if (p.Epoch == 2)
                ml.CancelExecution();
        });
        var trainer = ml.AnomalyDetection.Trainers.Autoencoder(options);
        var liveBefore = LiveTensors.OnThisThread;

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data));

        Assert.Equal(new[] { 1, 2 }, reports.Select(r => r.Epoch));
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    [Fact]
    public void CancelExecutionAfterTheLastEpochStopsTheThresholdScoringAndFreesTheHalfBuiltModel()
    {
        var (ml, data) = Data(512);
        var options = Options(epochs: 3);
        options.Autoencoder.Progress = new CallbackProgress(p =>
        {
            if (p.Epoch == p.NumberOfEpochs)
                ml.CancelExecution(); // training is over; the training rows are scored next for the threshold
        });
        var trainer = ml.AnomalyDetection.Trainers.Autoencoder(options);
        var liveBefore = LiveTensors.OnThisThread;

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data));

        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    [Fact]
    public void DisposingFreesTheNetworkAndEveryLaterUseThrowsObjectDisposedException()
    {
        var (ml, data) = Data();
        var liveBefore = LiveTensors.OnThisThread;
        var model = ml.AnomalyDetection.Trainers.Autoencoder(Options()).Fit(data);
        var liveWithModel = LiveTensors.OnThisThread;
        var stricter = ml.AnomalyDetection.ChangeModelThreshold(model, model.Threshold * 2);
        var createdBefore = model.Transform(data);

        model.Dispose();
        model.Dispose();

        Assert.True(liveWithModel > liveBefore, "the fitted detector holds its weights as tensors");
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
        Assert.Throws<ObjectDisposedException>(() => model.Transform(data));
        Assert.Throws<ObjectDisposedException>(() => model.GetRowToRowMapper(data.Schema));
        Assert.Throws<ObjectDisposedException>(() => model.ToAnomalyPredictionTransformer());
        Assert.Throws<ObjectDisposedException>(() => createdBefore.ScalarColumn("Score"));
        Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(model, data.Schema, new MemoryStream()));
        // A transformer sharing the model (ChangeModelThreshold) shares its end.
        Assert.Throws<ObjectDisposedException>(() => stricter.Transform(data));
        stricter.Dispose();
    }

    [Theory]
    [MemberData(nameof(BadInputs.Cases), MemberType = typeof(BadInputs))]
    public void TrainingOnAColumnOfAWrongTypeFailsBeforeTrainingNamingColumnAndTypes(string kind)
    {
        var ml = new MLContext(seed: 1);
        var data = BadInputs.View(ml, kind);
        var trainer = ml.AnomalyDetection.Trainers.Autoencoder(Options());

        var schemaError = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShape.Create(data.Schema)));
        var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data));

        Assert.Equal(schemaError.Message, fitError.Message);
        Assert.Contains($"Input column 'Features' has type {BadInputs.EstimatorTypeName(kind)}; expected a known-size vector of Single", fitError.Message);
    }

    [Theory]
    [MemberData(nameof(BadInputs.Cases), MemberType = typeof(BadInputs))]
    public void ScoringAColumnOfAWrongTypeNamesColumnAndBothTypes(string kind)
    {
        var (ml, data) = Data(64);
        using var model = ml.AnomalyDetection.Trainers.Autoencoder(Options()).Fit(data);
        var bad = BadInputs.View(ml, kind);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.GetOutputSchema(bad.Schema));

        Assert.Contains($"Input column 'Features' has type {BadInputs.TransformerTypeName(kind)}; expected a vector of Single of size 16", ex.Message);
        Assert.Equal(ex.Message, Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(bad)).Message);
        Assert.Equal(ex.Message, Assert.Throws<ArgumentOutOfRangeException>(() => model.GetRowToRowMapper(bad.Schema)).Message);
    }

    [Fact]
    public void ScoringAVectorOfAnotherSizeNamesBothSizes()
    {
        var (ml, data) = Data(64);
        using var model = ml.AnomalyDetection.Trainers.Autoencoder(Options()).Fit(data);
        var other = ml.ToDataView(SyntheticData.Manifold(4, features: 10));

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(other));

        Assert.Contains("'Features' has type Vector<Single, 10>; expected a vector of Single of size 16", ex.Message);
    }

    [Fact]
    public void AMissingColumnInTheScoringViewIsNamed()
    {
        var (ml, data) = Data(64);
        using var model = ml.AnomalyDetection.Trainers.Autoencoder(Options()).Fit(data);
        var labelsOnly = ml.Transforms.DropColumns("Features").Fit(data).Transform(data);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(labelsOnly));

        Assert.Contains("Input column 'Features' not found in the input schema; expected a vector of Single of size 16", ex.Message);
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete)]
    [InlineData(AutoencoderKind.Variational)]
    public void NaNInAScoringRowGivesThatRowANaNScoreAndNoAnomalyFlagAndLeavesTheOthersAlone(AutoencoderKind kind)
    {
        var (ml, data) = Data(64);
        using var model = ml.AnomalyDetection.Trainers.Autoencoder(Options(kind)).Fit(data);
        var rows = SyntheticData.Manifold(4, seed: 9);
        var clean = model.Transform(ml.ToDataView(rows)).ScalarColumn("Score");
        rows[1][5] = float.NaN;

        var scored = model.Transform(ml.ToDataView(rows));
        var scores = scored.ScalarColumn("Score");
        var labels = scored.GetColumn<bool>("PredictedLabel").ToArray();

        Assert.True(float.IsNaN(scores[1]));
        Assert.False(labels[1]); // Score > Threshold is false for NaN, as for ML.NET's own detectors
        Assert.Equal(new[] { clean[0], clean[2], clean[3] }, new[] { scores[0], scores[2], scores[3] });
    }

    [Fact]
    public void NonFiniteTrainingValuesNameTheFirstBadRow()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(20);
        rows[13][2] = float.PositiveInfinity;

        var ex = Assert.Throws<InvalidOperationException>(() => ml.AnomalyDetection.Trainers.Autoencoder(Options()).Fit(ml.ToDataView(rows)));

        Assert.Contains("Column 'Features', row 13: value ∞ at index 2", ex.Message.Replace("Infinity", "∞"));
    }

    [Fact]
    public void FewerRowsThanOneBatchStillTrainAndSetAThreshold()
    {
        var (ml, data) = Data(5);
        var options = Options();
        options.Autoencoder.BatchSize = 256;

        using var model = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(data);

        Assert.True(float.IsFinite(model.Threshold));
        Assert.All(model.Transform(data).ScalarColumn("Score"), s => Assert.True(float.IsFinite(s)));
        Assert.Single(model.Transform(data).GetColumn<bool>("PredictedLabel"), true); // 0.9 quantile of 5 scores: only the largest is above
    }

    [Fact]
    public void ASingleTrainingRowTrainsWithAConstantFeatureSafeStandardization()
    {
        var (ml, data) = Data(1);

        using var model = ml.AnomalyDetection.Trainers.Autoencoder(Options()).Fit(data);

        Assert.All(model.Model.FeatureScales, s => Assert.Equal(1f, s));
        Assert.True(float.IsFinite(model.Threshold));
    }

    [Theory]
    [InlineData("Autoencoder." + nameof(AutoencoderOptions.LatentDimension), -1)] // 0 is "automatic" for the detector
    [InlineData("Autoencoder." + nameof(AutoencoderOptions.BatchSize), -1)]
    [InlineData("Autoencoder." + nameof(AutoencoderOptions.ScoringBatchSize), -3)]
    [InlineData("Autoencoder." + nameof(AutoencoderOptions.ContractiveProjections), 0)]
    public void InvalidAutoencoderOptionsAreRejectedWhenTheTrainerIsCreated(string option, int value)
    {
        var options = Options();
        typeof(AutoencoderOptions).GetField(option["Autoencoder.".Length..])!.SetValue(options.Autoencoder, value);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().AnomalyDetection.Trainers.Autoencoder(options));

        Assert.Equal(option["Autoencoder.".Length..], ex.ParamName);
        Assert.Contains($"got {value}", ex.Message);
    }

    [Fact]
    public void NullOrBlankOptionsAreRejected()
    {
        var noAutoencoder = Options();
        noAutoencoder.Autoencoder = null!;
        var blank = Options();
        blank.FeatureColumnName = " ";

        Assert.Throws<ArgumentNullException>(() => new MLContext().AnomalyDetection.Trainers.Autoencoder((AutoencoderAnomalyOptions)null!));
        Assert.Contains("Autoencoder options must not be null", Assert.Throws<ArgumentNullException>(() => new MLContext().AnomalyDetection.Trainers.Autoencoder(noAutoencoder)).Message);
        Assert.Equal("FeatureColumnName", Assert.Throws<ArgumentException>(() => new MLContext().AnomalyDetection.Trainers.Autoencoder(blank)).ParamName);
    }
}
