using Microsoft.ML;
using MLNetAutoencoders.Samples.Gallery;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class Embedding2DSampleTests : IDisposable
{
    private const int Epochs = 10;
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

        // Both maps again, from the sample's options: the points drawn are the test items' codes, in their classes,
        // and the accuracies are those of these codes.
        var train = run.Train;
        var test = run.Test;
        var ml = new MLContext(seed: 1);
        using var autoencoder = run.TrainAgain((context, data) => context.Transforms.Autoencoder(Embedding2DSample.Options(Epochs, TextWriter.Null)).Fit(data));
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
}
