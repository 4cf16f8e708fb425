using MLNetAutoencoders.Samples.Gallery;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class DenoisingSampleTests : IDisposable
{
    private readonly SampleRun run = new(rows: 300, testRows: 100, epochs: 2);

    public void Dispose() => run.Dispose();

    [Fact]
    public void DrawsCleanCorruptedAndBothReconstructionsAndMeasuresEachAgainstTheCleanImages()
    {
        var result = DenoisingSample.Run(run.Settings);

        run.AssertPicture(result.ImagePath, minimumKilobytes: 30);
        Assert.Equal("denoising.png", Path.GetFileName(result.ImagePath));
        Assert.Equal((300, 100, 2), (result.TrainRows, result.TestRows, result.Epochs));
        // Unclipped Gaussian noise: the corrupted images are sigma² away from the clean ones.
        var variance = DenoisingSample.NoiseLevel * DenoisingSample.NoiseLevel;
        Assert.InRange(result.CorruptedMse, 0.95 * variance, 1.05 * variance);
        Assert.InRange(result.DenoisingMse, 0, result.CorruptedMse);
        Assert.InRange(result.UndercompleteMse, 0, 1);
        Assert.Contains("denoising: epoch   2/2", run.Log.ToString());
        Assert.Contains("undercomplete: epoch   2/2", run.Log.ToString());
    }
}
