using Microsoft.ML;
using MLNetAutoencoders.Samples.Gallery;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using static MLNetAutoencoders.Tests.Samples.SampleRun;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class Embedding2DSampleTests : IDisposable
{
    private const int Epochs = 10;
    // The conv 2-D code learns more slowly per step than the MLP's: 1,000 images x 12 epochs (96 steps) left it at 48.5 %
    // against PCA's 50.3 %; the whole embedded subset for 3 epochs (120 steps) gives 52.4 % against 51.0 %.
    private const int ConvRows = 5000;
    private const int ConvTestRows = 1000;
    private const int ConvEpochs = 3;
    private readonly SampleRun run = new(rows: 1000, testRows: 300, epochs: Epochs);

    public void Dispose() => run.Dispose();

    [Fact]
    public void TheAutoencodersMapClassifiesBetterThanPcasAndEachPanelPlacesEveryTestItemAtItsCode()
    {
        var result = Embedding2DSample.Run(run.Settings);

        run.AssertPicture(result.ImagePath, minimumKilobytes: 40);
        Assert.Equal((1000, 300, Epochs), (result.TrainRows, result.TestRows, result.Epochs));
        Assert.True(result.AutoencoderAccuracy > result.PcaAccuracy,
            $"5-NN accuracy: autoencoder {result.AutoencoderAccuracy:P1}, PCA {result.PcaAccuracy:P1}");
        var json = run.AssertResultsFile(result.ResultsPath, Embedding2DSample.ResultsName, Embedding2DSample.Project, 1000);
        Assert.Equal((result.AutoencoderAccuracy, result.PcaAccuracy, Embedding2DSample.Neighbors),
            ((double)json["autoencoderAccuracy"]!, (double)json["pcaAccuracy"]!, (int)json["neighbors"]!));
        Assert.Equal(("mlp", "784-256-64-2", result.Network.ParameterCount), ((string?)json["network"], (string?)json["architecture"], (long)json["parameters"]!));
        Assert.Null(result.Network.ImageShape);
        Assert.StartsWith("Autoencoder 784-256-64-2: 5-NN test accuracy", result.AutoencoderTitle);

        // Both maps again, from the sample's options: the points drawn are the test items' codes, in their classes,
        // and the accuracies are those of these codes.
        var train = run.Train;
        var test = run.Test;
        var ml = new MLContext(seed: 1);
        using var autoencoder = run.TrainAgain((context, data) => context.Transforms.Autoencoder(Embedding2DSample.Options(SampleArchitecture.Mlp, Epochs, TextWriter.Null)).Fit(data));
        var pca = ml.Transforms.ProjectToPrincipalComponents("Pca", "Features", rank: 2, seed: 1).Fit(train.ToDataView(ml));
        var maps = new[]
        {
            ("autoencoder", autoencoder.Transform(train.ToDataView(ml)).VectorColumn("Embedding"), autoencoder.Transform(test.ToDataView(ml)).VectorColumn("Embedding"),
                result.AutoencoderPoints, result.AutoencoderAccuracy),
            ("PCA", pca.Transform(train.ToDataView(ml)).VectorColumn("Pca"), pca.Transform(test.ToDataView(ml)).VectorColumn("Pca"),
                result.PcaPoints, result.PcaAccuracy),
        };
        foreach (var (name, trainCodes, testCodes, drawn, accuracy) in maps)
        {
            var expected = Enumerable.Range(0, 10)
                .SelectMany(c => Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == c).Select(i => (c, (double)testCodes[i][0], (double)testCodes[i][1])));
            Assert.Equal(expected, drawn);
            Assert.Equal(NearestNeighbors.Accuracy(trainCodes, train.Labels, testCodes, test.Labels, Embedding2DSample.Neighbors), accuracy, 12);
        }
    }

    [Fact]
    public void WithArchitectureConvAConvolutionalAutoencoderDrawsTheMapAndItStillClassifiesBetterThanPcas()
    {
        using var conv = new SampleRun(rows: ConvRows, testRows: ConvTestRows, epochs: ConvEpochs, SampleArchitecture.Conv);

        var result = Embedding2DSample.Run(conv.Settings);

        conv.AssertPicture(result.ImagePath, minimumKilobytes: 40);
        Assert.Equal((SampleArchitecture.Conv, ConvRows, ConvTestRows, ConvEpochs), (result.Architecture, result.TrainRows, result.TestRows, result.Epochs));
        Assert.True(result.AutoencoderAccuracy > result.PcaAccuracy,
            $"5-NN accuracy: convolutional autoencoder {result.AutoencoderAccuracy:P1}, PCA {result.PcaAccuracy:P1}");
        var json = conv.AssertResultsFile(result.ResultsPath, Embedding2DSample.ResultsName, Embedding2DSample.Project, ConvRows);
        AssertConvolutionalNetwork(result.Network, new[] { 256, 64 }, latentDimension: 2, json, "1x28x28-conv[32,64]-256-64-2");
        Assert.Equal((result.AutoencoderAccuracy, result.PcaAccuracy), ((double)json["autoencoderAccuracy"]!, (double)json["pcaAccuracy"]!));
        Assert.Equal($"Conv autoencoder 1x28x28-conv[32,64]-256-64-2: 5-NN test accuracy {result.AutoencoderAccuracy:P1}", result.AutoencoderTitle);
        Assert.Equal(result.TestRows, result.AutoencoderPoints.Count);
        Assert.All(result.AutoencoderPoints, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y), $"point ({p.X}, {p.Y})"));
    }
}
