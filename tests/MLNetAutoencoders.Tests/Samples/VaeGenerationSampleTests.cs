using MLNetAutoencoders.Samples.Gallery;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class VaeGenerationSampleTests : IDisposable
{
    private readonly SampleRun run = new(rows: 400, testRows: 100, epochs: 3);

    public void Dispose() => run.Dispose();

    [Fact]
    public void DrawsPriorSamplesTheTwoDimensionalManifoldAndInterpolationsFromTrainedVaes()
    {
        var result = VaeGenerationSample.Run(run.Settings);

        run.AssertPicture(result.PriorSamplesPath, minimumKilobytes: 20);
        run.AssertPicture(result.ManifoldPath, minimumKilobytes: 20);
        run.AssertPicture(result.InterpolationPath, minimumKilobytes: 10);
        Assert.Equal(new[] { "vae-prior-samples.png", "vae-manifold.png", "vae-interpolation.png" },
            new[] { result.PriorSamplesPath, result.ManifoldPath, result.InterpolationPath }.Select(Path.GetFileName));
        Assert.Equal((400, 100, 3), (result.TrainRows, result.TestRows, result.Epochs));
        Assert.InRange(result.TestReconstructionMse, 0, 0.2);
        // Even a VAE trained for three epochs generates items, not noise: the mean prior sample is much closer to the
        // mean test image than an empty (black) image is.
        Assert.True(result.PriorMeanImageMse < 0.25 * result.MeanImageEnergy,
            $"mean prior sample vs mean test image: {result.PriorMeanImageMse}, all-black: {result.MeanImageEnergy}");
        // The KL term pulls the 2-D codes towards N(0, I) without collapsing them onto one point.
        Assert.InRange(result.ManifoldLatentSpread, 0.05, 3);
        Assert.Contains("VAE, latent 16: epoch   3/3", run.Log.ToString());
        Assert.Contains("VAE, latent 2: epoch   3/3", run.Log.ToString());
    }

    [Fact]
    public void TheManifoldGridCoversTheLatentPlaneRowByRowFromTheTopLeft()
    {
        var grid = VaeGenerationSample.ManifoldGrid();
        var side = VaeGenerationSample.ManifoldGridSide;
        var extent = VaeGenerationSample.ManifoldExtent;

        Assert.Equal(side * side, grid.Length);
        Assert.Equal(new[] { -extent, extent }, grid[0]);
        Assert.Equal(new[] { extent, extent }, grid[side - 1]);
        Assert.Equal(new[] { -extent, -extent }, grid[^side]);
        Assert.Equal(new[] { extent, -extent }, grid[^1]);
        Assert.Equal(side * side, grid.Select(p => (p[0], p[1])).Distinct().Count());
    }
}
