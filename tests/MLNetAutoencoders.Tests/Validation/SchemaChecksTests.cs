using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using MLNetAutoencoders.Validation;
using Xunit;

namespace MLNetAutoencoders.Tests.Validation;

/// <summary>
/// One schema check serves estimators (SchemaShape) and transformers (DataViewSchema); its optional role, label and
/// expectation reproduce each caller's message, so moving a caller onto it changes no message.
/// </summary>
public class SchemaChecksTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class DoubleRow
    {
        [VectorType(4)] public double[] Features { get; set; } = new double[4];
    }

    private static IDataView Floats(int size) => Ml.ToDataView([new float[size], new float[size]]);

    [Fact]
    public void AnEstimatorsCheckNamesTheRoleOnlyWhenGivenOne()
    {
        var schema = SchemaShape.Create(Ml.Data.LoadFromEnumerable([new DoubleRow()]).Schema);

        var plain = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireSingleVector(schema, "Features"));
        var withRole = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireSingleVector(schema, "Features", "the VAE is trained on it"));
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireSingleVector(schema, "Pixels", "Posterior mode encodes it"));

        Assert.StartsWith("Input column 'Features' has type Vector<Double>; expected a known-size vector of Single.", plain.Message);
        Assert.StartsWith("Input column 'Features' (the VAE is trained on it) has type Vector<Double>; expected a known-size vector of Single.", withRole.Message);
        Assert.StartsWith("Input column 'Pixels' not found (Posterior mode encodes it); expected a known-size vector of Single.", missing.Message);
    }

    [Fact]
    public void AnEstimatorsCheckAcceptsAKnownSizeVectorOfSingle()
    {
        var column = SchemaChecks.RequireSingleVector(SchemaShape.Create(Floats(3).Schema), "Features");

        Assert.Equal("Features", column.Name);
    }

    [Fact]
    public void ATransformersCheckStatesTheExpectedSizeByDefault()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireSingleVector(Floats(10).Schema, "Features", 16));
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireSingleVector(Floats(10).Schema, "Pixels", 16));

        Assert.StartsWith("Input column 'Features' has type Vector<Single, 10>; expected a vector of Single of size 16.", ex.Message);
        Assert.StartsWith("Input column 'Pixels' not found in the input schema; expected a vector of Single of size 16.", missing.Message);
        Assert.Equal(16, SchemaChecks.RequireSingleVector(Floats(16).Schema, "Features", 16).Type.GetValueCount());
    }

    [Fact]
    public void ALabelAndAnExpectationGiveTheSamplersLatentColumnMessages()
    {
        const string expects = "Decode mode expects a vector of Single of the VAE's latent size 8";

        var wrongSize = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SchemaChecks.RequireSingleVector(Floats(784).Schema, "Features", 8, "Latent", expects, spellOutSize: true));
        var scalar = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SchemaChecks.RequireSingleVector(Floats(784).Schema, "Label", 8, "Latent", expects, spellOutSize: true));
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SchemaChecks.RequireSingleVector(Floats(784).Schema, "Embedding", 8, "Latent", expects, spellOutSize: true));

        Assert.StartsWith("Latent column 'Features' has type Vector<Single, 784> (size 784); " + expects + ".", wrongSize.Message);
        Assert.StartsWith("Latent column 'Label' has type Single; " + expects + ".", scalar.Message);
        Assert.StartsWith("Latent column 'Embedding' not found in the input schema; " + expects + ".", missing.Message);
    }
}
