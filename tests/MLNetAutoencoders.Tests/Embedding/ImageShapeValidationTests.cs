using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>
/// A convolutional autoencoder's options fail when the estimator (or trainer) is created, and an input column that does
/// not hold the image fails at Fit before any row is read, with the same messages through the embedding estimator, the
/// anomaly detector's trainer and the VAE sampler's estimator (design §5).
/// </summary>
public class ImageShapeValidationTests
{
    /// <summary>The three public entry points that train an autoencoder from <see cref="AutoencoderOptions"/>.</summary>
    public enum Entry { Embedding, Detector, Sampler }

    public static TheoryData<Entry> Entries => [Entry.Embedding, Entry.Detector, Entry.Sampler];

    private const string Column = "Pixels";

    /// <summary>
    /// Creates the entry's estimator with a 1 x 4 x 4, channels [4, 8] convolutional autoencoder reading <see cref="Column"/>,
    /// changed by <paramref name="change"/>; returns its Fit. Option errors throw here.
    /// </summary>
    private static Func<IDataView, object> Create(Entry entry, Action<AutoencoderOptions> change)
    {
        var ml = new MLContext(seed: 1);
        AutoencoderOptions Options(AutoencoderOptions o)
        {
            o.InputColumnName = Column;
            o.ImageShape = new ImageShape(1, 4, 4);
            o.ConvolutionChannels = [4, 8];
            o.LatentDimension = 3;
            o.NumberOfEpochs = 1;
            change(o);
            return o;
        }
        switch (entry)
        {
            case Entry.Embedding:
                var embedding = ml.Transforms.Autoencoder(Options(new AutoencoderOptions()));
                return data => embedding.Fit(data);
            case Entry.Detector:
                var detector = ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions
                {
                    FeatureColumnName = Column,
                    Autoencoder = Options(AutoencoderAnomalyOptions.DefaultAutoencoder()),
                });
                return data => detector.Fit(data);
            default:
                var sampler = ml.Transforms.VaeSampler(new VaeSamplerOptions { Vae = Options(new AutoencoderOptions { Kind = AutoencoderKind.Variational }) });
                return data => sampler.Fit(data);
        }
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>A view whose <see cref="Column"/> has <paramref name="type"/> and whose rows throw when read.</summary>
    private static IDataView Unreadable(VectorDataViewType type)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = type;
        definition[nameof(Row.Features)].ColumnName = Column;
        return new MLContext(seed: 1).Data.LoadFromEnumerable(RowsThatMustNotBeRead(), definition);
    }

    private static IEnumerable<Row> RowsThatMustNotBeRead()
    {
        throw new InvalidOperationException("A row was read before the image shape was checked.");
#pragma warning disable CS0162 // the iterator must be lazy: the throw runs when enumerated, not when created
        yield break;
#pragma warning restore CS0162
    }

    private static VectorDataViewType Vector(params int[] dimensions) => new(NumberDataViewType.Single, dimensions);

    [Theory, MemberData(nameof(Entries))]
    public void NoneOrMoreThanEightChannelCountsAreRejectedWhenTheEstimatorIsCreated(Entry entry)
    {
        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => Create(entry, o => o.ConvolutionChannels = []));
        var nine = Assert.Throws<ArgumentOutOfRangeException>(() => Create(entry, o =>
        {
            o.ImageShape = new ImageShape(1, 1024, 1024);
            o.ConvolutionChannels = Enumerable.Repeat(2, 9).ToArray();
        }));
        var none = Assert.Throws<ArgumentOutOfRangeException>(() => Create(entry, o => o.ConvolutionChannels = null!));

        Assert.StartsWith("ConvolutionChannels must be 1 to 8 channel counts; got 0.", empty.Message);
        Assert.StartsWith("ConvolutionChannels must be 1 to 8 channel counts; got 9.", nine.Message);
        Assert.StartsWith("ConvolutionChannels must be 1 to 8 channel counts; got null.", none.Message);
        Assert.Equal("ConvolutionChannels", empty.ParamName);
    }

    [Theory, MemberData(nameof(Entries))]
    public void AChannelCountOutsideOneTo4096IsRejectedWhenTheEstimatorIsCreated(Entry entry)
    {
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => Create(entry, o => o.ConvolutionChannels = [4, 0]));
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => Create(entry, o => o.ConvolutionChannels = [4097]));

        Assert.StartsWith("ConvolutionChannels must be channel counts in [1, 4096]; got 0.", zero.Message);
        Assert.StartsWith("ConvolutionChannels must be channel counts in [1, 4096]; got 4097.", tooMany.Message);
    }

    [Theory, MemberData(nameof(Entries))]
    public void MoreStrideTwoStagesThanTheImageCanBeHalvedIsRejectedNamingTheSizes(Entry entry)
    {
        var ex = Assert.Throws<ArgumentException>(() => Create(entry, o => o.ConvolutionChannels = [4, 8, 16]));

        Assert.StartsWith("ConvolutionChannels has 3 stride-2 stages; ImageShape 1 x 4 x 4 allows at most 2 (4 x 4 -> 2 x 2 -> 1 x 1).", ex.Message);
        Assert.Equal("ConvolutionChannels", ex.ParamName);
    }

    [Theory, MemberData(nameof(Entries))]
    public void HiddenLayerSizesWithAnImageShapeAreCheckedAsForAPerceptron(Entry entry)
    {
        Assert.NotNull(Create(entry, o => o.HiddenLayerSizes = [512, 256]));
        Assert.NotNull(Create(entry, o => o.HiddenLayerSizes = []));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Create(entry, o => o.HiddenLayerSizes = [256, 0]));

        Assert.StartsWith("HiddenLayerSizes must be layer sizes in [1, ", ex.Message);
        Assert.Equal("HiddenLayerSizes", ex.ParamName);
    }

    [Fact]
    public void NullHiddenLayerSizesAreAutomaticNoDenseLayerAfterTheStagesAndTwoFiftySixOneTwentyEightForAPerceptron()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(32, features: 16, seed: 2));
        var convolutional = new AutoencoderOptions { ImageShape = new ImageShape(1, 4, 4), ConvolutionChannels = [4, 8], LatentDimension = 3, NumberOfEpochs = 1 };
        var perceptron = new AutoencoderOptions { LatentDimension = 3, NumberOfEpochs = 1 };

        using var conv = ml.Transforms.Autoencoder(convolutional).Fit(data);
        using var mlp = ml.Transforms.Autoencoder(perceptron).Fit(data);

        Assert.Null(new AutoencoderOptions().HiddenLayerSizes);
        Assert.Empty(conv.Architecture.HiddenSizes);
        Assert.Equal(new[] { 256, 128 }, mlp.Architecture.HiddenSizes);
    }

    [Theory, MemberData(nameof(Entries))]
    public void WithoutAnImageShapeConvolutionChannelsAreNotChecked(Entry entry)
    {
        Assert.NotNull(Create(entry, o =>
        {
            o.ImageShape = null;
            o.ConvolutionChannels = [];
            o.HiddenLayerSizes = [512, 256];
        }));
    }

    [Theory, MemberData(nameof(Entries))]
    public void AColumnWithTheWrongNumberOfColourPlanesFailsFitBeforeAnyRowIsRead(Entry entry)
    {
        var fit = Create(entry, _ => { });

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => fit(Unreadable(Vector(3, 4, 4))));

        Assert.StartsWith(
            "Input column 'Pixels' has type Vector<Single, 3, 4, 4> (48 values); ImageShape 1 x 4 x 4 describes 16 (channels x height x width). " +
            "ExtractPixels writes one plane per extracted colour, three for its default colorsToExtract (Rgb): extract one plane of a " +
            "grayscale image with colorsToExtract: ColorBits.Red.", ex.Message);
    }

    [Theory, MemberData(nameof(Entries))]
    public void InterleavedPixelsFailFitBeforeAnyRowIsReadNamingInterleavePixelColors(Entry entry)
    {
        var fit = Create(entry, o => o.ImageShape = new ImageShape(3, 4, 4));

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => fit(Unreadable(Vector(4, 4, 3))));

        Assert.StartsWith(
            "Input column 'Pixels' has dimensions 4 x 4 x 3 (height, width, channels: ExtractPixels with interleavePixelColors: true); " +
            "the convolutional network reads channel planes, 3 x 4 x 4: extract with interleavePixelColors: false.", ex.Message);
    }

    [Theory, MemberData(nameof(Entries))]
    public void AnImageOfAnotherHeightAndWidthFailsFitBeforeAnyRowIsReadNamingResizeImages(Entry entry)
    {
        var fit = Create(entry, _ => { });

        var larger = Assert.Throws<ArgumentOutOfRangeException>(() => fit(Unreadable(Vector(1, 8, 8))));
        var sameSize = Assert.Throws<ArgumentOutOfRangeException>(() => fit(Unreadable(Vector(1, 2, 8))));

        Assert.StartsWith(
            "Input column 'Pixels' has dimensions 1 x 8 x 8; ImageShape is 1 x 4 x 4 (channels, height, width): resize with " +
            "ResizeImages(imageWidth: 4, imageHeight: 4) or change ImageShape.", larger.Message);
        Assert.StartsWith("Input column 'Pixels' has dimensions 1 x 2 x 8; ImageShape is 1 x 4 x 4", sameSize.Message);
    }

    [Theory, MemberData(nameof(Entries))]
    public void AColumnWithoutDimensionsIsCheckedBySizeBeforeAnyRowIsRead(Entry entry)
    {
        var fit = Create(entry, _ => { });

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => fit(Unreadable(Vector(20))));

        Assert.StartsWith("Input column 'Pixels' has type Vector<Single, 20> (20 values); ImageShape 1 x 4 x 4 describes 16 (channels x height x width).", ex.Message);
        Assert.DoesNotContain("ExtractPixels", ex.Message); // 20 values are no whole number of 4 x 4 planes
    }

    [Fact]
    public void TheEstimatorsKeepTheirOwnCopyOfTheConvolutionChannels()
    {
        var ml = new MLContext(seed: 1);
        var options = new AutoencoderOptions { ImageShape = new ImageShape(1, 4, 4), ConvolutionChannels = [4, 8] };
        var embedding = ml.Transforms.Autoencoder(options);
        var detector = ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions { Autoencoder = options });

        options.ConvolutionChannels[0] = 3;
        embedding.Options.ConvolutionChannels[1] = 5;

        Assert.Equal(new[] { 4, 8 }, embedding.Options.ConvolutionChannels);
        Assert.Equal(new[] { 4, 8 }, detector.Options.Autoencoder.ConvolutionChannels);
        Assert.Equal(new ImageShape(1, 4, 4), embedding.Options.ImageShape);
    }
}
