using MLNetAutoencoders.Samples.Gallery;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class Embedding2DSampleTests : IDisposable
{
    private readonly SampleRun run = new(rows: 300, testRows: 100, epochs: 2);

    public void Dispose() => run.Dispose();

    [Fact]
    public void DrawsBothTwoDimensionalMapsAndMeasuresTheirNearestNeighbourAccuracy()
    {
        var result = Embedding2DSample.Run(run.Settings);

        run.AssertPicture(result.ImagePath, minimumKilobytes: 40);
        Assert.Equal("embedding2d.png", Path.GetFileName(result.ImagePath));
        Assert.Equal((300, 100, 2), (result.TrainRows, result.TestRows, result.Epochs));
        Assert.InRange(result.AutoencoderAccuracy, 0, 1);
        // Ten balanced classes: PCA's two leading directions already separate them far better than chance (10 %).
        Assert.InRange(result.PcaAccuracy, 0.25, 1);
        Assert.Contains("autoencoder: epoch   2/2", run.Log.ToString());
    }
}
