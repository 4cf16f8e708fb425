using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Networks;
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

    private sealed class ImageRow
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>A schema whose "Features" column is a vector of Single with <paramref name="dimensions"/>.</summary>
    private static DataViewSchema Image(params int[] dimensions)
    {
        var definition = SchemaDefinition.Create(typeof(ImageRow));
        definition[nameof(ImageRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
        return Ml.Data.LoadFromEnumerable(Array.Empty<ImageRow>(), definition).Schema;
    }

    [Fact]
    public void AnImageColumnIsAcceptedInPlanarOrderFlatOrWithOneChannelInEitherOrder()
    {
        Assert.Equal("Features", SchemaChecks.RequireImage(Image(3, 4, 5), "Features", new ImageShape(3, 4, 5)).Name);
        Assert.Equal("Features", SchemaChecks.RequireImage(Image(60), "Features", new ImageShape(3, 4, 5)).Name);
        Assert.Equal("Features", SchemaChecks.RequireImage(Image(4, 5, 1), "Features", new ImageShape(1, 4, 5)).Name);
    }

    [Fact]
    public void AnImageColumnWithOtherColourPlanesNamesTheSizesAndWhatExtractPixelsChanges()
    {
        var gray = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireImage(Image(3, 28, 28), "Features", new ImageShape(1, 28, 28)));
        var colour = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireImage(Image(1, 28, 28), "Features", new ImageShape(3, 28, 28)));
        var flat = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireImage(Image(2352), "Features", new ImageShape(1, 28, 28)));

        Assert.StartsWith(
            "Input column 'Features' has type Vector<Single, 3, 28, 28> (2352 values); ImageShape 1 x 28 x 28 describes 784 (channels x height " +
            "x width). ExtractPixels writes one plane per extracted colour, three for its default colorsToExtract (Rgb): extract one plane " +
            "of a grayscale image with colorsToExtract: ColorBits.Red.", gray.Message);
        Assert.StartsWith(
            "Input column 'Features' has type Vector<Single, 1, 28, 28> (784 values); ImageShape 3 x 28 x 28 describes 2352 (channels x height " +
            "x width). ExtractPixels writes one plane per extracted colour, three for its default colorsToExtract (Rgb): extract 3 with " +
            "colorsToExtract, or set ImageShape's channels to 1.", colour.Message);
        Assert.StartsWith("Input column 'Features' has type Vector<Single, 2352> (2352 values); ImageShape 1 x 28 x 28 describes 784", flat.Message);
        Assert.Contains("colorsToExtract: ColorBits.Red.", flat.Message);
    }

    [Fact]
    public void InterleavedPixelsOfSeveralChannelsAreRejectedNamingInterleavePixelColors()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireImage(Image(28, 28, 3), "Features", new ImageShape(3, 28, 28)));

        Assert.StartsWith(
            "Input column 'Features' has dimensions 28 x 28 x 3 (height, width, channels: ExtractPixels with interleavePixelColors: true); " +
            "the convolutional network reads channel planes, 3 x 28 x 28: extract with interleavePixelColors: false.", ex.Message);
    }

    [Fact]
    public void AnImageOfOtherDimensionsNamesResizeImagesWithTheExpectedWidthAndHeight()
    {
        var larger = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireImage(Image(32, 32, 1), "Features", new ImageShape(1, 28, 28)));
        var sameSize = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireImage(Image(1, 14, 56), "Features", new ImageShape(1, 28, 28)));

        Assert.StartsWith(
            "Input column 'Features' has dimensions 32 x 32 x 1; ImageShape is 1 x 28 x 28 (channels, height, width): resize with " +
            "ResizeImages(imageWidth: 28, imageHeight: 28) or change ImageShape.", larger.Message);
        Assert.StartsWith("Input column 'Features' has dimensions 1 x 14 x 56; ImageShape is 1 x 28 x 28", sameSize.Message);
        Assert.Equal("schema", larger.ParamName);
    }

    [Fact]
    public void AColumnWithoutDimensionsOfAnotherSizeGetsNoPlaneHint()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireImage(Image(1000), "Features", new ImageShape(1, 28, 28)));

        Assert.StartsWith("Input column 'Features' has type Vector<Single, 1000> (1000 values); ImageShape 1 x 28 x 28 describes 784 (channels x height x width).", ex.Message);
        Assert.DoesNotContain("ExtractPixels", ex.Message);
    }

    [Fact]
    public void AMissingOrNonSingleImageColumnNamesTheImageExpected()
    {
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireImage(Image(16), "Pixels", new ImageShape(1, 4, 4)));
        var doubles = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SchemaChecks.RequireImage(Ml.Data.LoadFromEnumerable([new DoubleRow()]).Schema, "Features", new ImageShape(1, 2, 2)));

        Assert.StartsWith("Input column 'Pixels' not found in the input schema; expected a vector of Single holding ImageShape 1 x 4 x 4 (16 values, channels x height x width).", missing.Message);
        Assert.StartsWith("Input column 'Features' has type Vector<Double, 4>; expected a vector of Single holding ImageShape 1 x 2 x 2", doubles.Message);
    }

    [Fact]
    public void ANetworksInputCheckIsTheImageCheckForAConvolutionalNetworkAndTheSizeCheckOtherwise()
    {
        var perceptron = new NetworkDescription(AutoencoderKind.Undercomplete, 16, [8], 3, Activation.Relu, Activation.Identity, Activation.Identity);
        var image = new ImageShape(1, 4, 4);
        var convolutional = new NetworkDescription(AutoencoderKind.Undercomplete, 16, [], 3, Activation.Relu, Activation.Identity, Activation.Identity, 0,
            ConvolutionLayout.Create(image, [4, 8]));

        var flat = SchemaChecks.RequireNetworkInput(Image(4, 4, 1), "Features", perceptron);
        var planes = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireNetworkInput(Image(16, 1, 1), "Features", convolutional));
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.RequireNetworkInput(Image(20), "Features", perceptron));

        Assert.Equal(16, flat.Type.GetValueCount()); // the perceptron reads any 16 values: dimensions are not its concern
        Assert.StartsWith("Input column 'Features' has dimensions 16 x 1 x 1; ImageShape is 1 x 4 x 4", planes.Message);
        Assert.StartsWith("Input column 'Features' has type Vector<Single, 20>; expected a vector of Single of size 16.", size.Message);
    }
}
