using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>Bad input fails before training with a message naming the column, the expected and the actual type.</summary>
public class InputValidationTests
{
    private sealed class DoubleRow
    {
        [VectorType(4)] public double[] Features { get; set; } = new double[4];
    }

    private sealed class VariableRow
    {
        public float[] Features { get; set; } = new float[4];
    }

    private sealed class ScalarRow
    {
        public float Features { get; set; }
    }

    private sealed class TextRow
    {
        public string Features { get; set; } = "x";
    }

    private static ArgumentOutOfRangeException FitFails<T>(T row) where T : class
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { row });
        var estimator = ml.Transforms.Autoencoder(latentDimension: 2);
        var schemaError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema)));
        var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Equal(schemaError.Message, fitError.Message);
        return fitError;
    }

    [Fact]
    public void AMissingColumnIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(8));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(inputColumnName: "Pixels", latentDimension: 2).Fit(data));
        Assert.Contains("'Pixels' not found", ex.Message);
        Assert.Contains("known-size vector of Single", ex.Message);
    }

    [Fact]
    public void AVectorOfDoubleIsRejected() =>
        Assert.Contains("'Features' has type Vector<Double>; expected a known-size vector of Single", FitFails(new DoubleRow()).Message);

    [Fact]
    public void AVariableSizeVectorIsRejected() =>
        Assert.Contains("'Features' has type variable-size Vector<Single>; expected", FitFails(new VariableRow()).Message);

    [Fact]
    public void AScalarIsRejected() =>
        Assert.Contains("'Features' has type scalar Single; expected", FitFails(new ScalarRow()).Message);

    [Fact]
    public void TextIsRejected() =>
        Assert.Contains("'Features' has type scalar String; expected", FitFails(new TextRow()).Message);

    [Fact]
    public void AScoringViewWithAnotherVectorSizeIsRejectedNamingBothSizes()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.ToDataView(SyntheticData.Manifold(64));
        using var model = ml.Transforms.Autoencoder(new AutoencoderOptions { LatentDimension = 2, HiddenLayerSizes = [8], NumberOfEpochs = 1 }).Fit(train);
        var other = ml.ToDataView(SyntheticData.Manifold(4, features: 10));

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(other));
        Assert.Contains("'Features' has type Vector<Single, 10>; expected a vector of Single of size 16", ex.Message);
    }

    [Fact]
    public void NonFiniteTrainingValuesNameTheFirstBadRow()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(10);
        rows[6][3] = float.NaN;
        var ex = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.Autoencoder(new AutoencoderOptions { LatentDimension = 2, NumberOfEpochs = 1 }).Fit(ml.ToDataView(rows)));
        Assert.Contains("Column 'Features', row 6: value NaN at index 3", ex.Message);
    }

    [Fact]
    public void EmptyTrainingDataIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var empty = ml.Data.FilterRowsByColumn(ml.ToDataView(SyntheticData.Manifold(10)), "Label", lowerBound: 5, upperBound: 6);
        var ex = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.Autoencoder(new AutoencoderOptions { LatentDimension = 2, NumberOfEpochs = 1 }).Fit(empty));
        Assert.Contains("Column 'Features' has no rows", ex.Message);
    }

    [Theory]
    [InlineData(nameof(AutoencoderOptions.LatentDimension), 0)]
    [InlineData(nameof(AutoencoderOptions.NumberOfEpochs), 0)]
    [InlineData(nameof(AutoencoderOptions.BatchSize), -1)]
    [InlineData(nameof(AutoencoderOptions.KSparseK), 40)]
    public void InvalidOptionsAreRejectedWhenThePipelineIsBuilt(string option, int value)
    {
        var options = new AutoencoderOptions { Kind = AutoencoderKind.KSparse, KSparseK = 4 };
        typeof(AutoencoderOptions).GetField(option)!.SetValue(options, value);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Autoencoder(options));
        Assert.Equal(option, ex.ParamName);
        Assert.Contains($"got {value}", ex.Message);
    }

    [Fact]
    public void AnUndercompleteLatentNotSmallerThanTheInputIsAnError()
    {
        var ml = new MLContext(seed: 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Autoencoder(latentDimension: 16).Fit(ml.ToDataView(SyntheticData.Manifold(8))));
        Assert.Contains("smaller than the size of column 'Features' (16); got 16", ex.Message);
    }
}
