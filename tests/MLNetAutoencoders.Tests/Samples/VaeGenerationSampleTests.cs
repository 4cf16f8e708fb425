using Microsoft.ML;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Samples.Gallery;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Scoring;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using MLNetAutoencoders.Sampling;
using static MLNetAutoencoders.Tests.Samples.SampleRun;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class VaeGenerationSampleTests : IDisposable
{
    private const int Epochs = 8;
    private const int ConvRows = 1000;
    private const int ConvEpochs = 10;
    private readonly SampleRun run = new(rows: 1000, testRows: 100, epochs: Epochs);

    public void Dispose() => run.Dispose();

    [Fact]
    public void TheVaeReconstructsBetterThanTheMeanImageAndItsPriorSamplesAverageToTheData()
    {
        var result = VaeGenerationSample.Run(run.Settings);

        run.AssertPicture(result.PriorSamplesPath, minimumKilobytes: 20);
        run.AssertPicture(result.ManifoldPath, minimumKilobytes: 20);
        run.AssertPicture(result.InterpolationPath, minimumKilobytes: 10);
        Assert.Equal(new[] { "vae-prior-samples.png", "vae-manifold.png", "vae-interpolation.png" },
            new[] { result.PriorSamplesPath, result.ManifoldPath, result.InterpolationPath }.Select(Path.GetFileName));
        Assert.Equal((1000, 100, Epochs), (result.TrainRows, result.TestRows, result.Epochs));
        // The mean test image as every reconstruction scores the test images' pixel variance.
        var test = run.Test.ToJaggedImages();
        var mean = Enumerable.Range(0, 784).Select(p => test.Average(image => image[p])).ToArray();
        Assert.Equal(test.Average(image => image.Select((v, p) => (v - mean[p]) * (v - mean[p])).Average()), result.MeanImageBaselineMse, 6);
        Assert.Equal(mean.Average(v => v * v), result.MeanImageEnergy, 6);
        Assert.True(result.TestReconstructionMse < result.MeanImageBaselineMse,
            $"reconstruction MSE {result.TestReconstructionMse:F4} is not below the mean image's {result.MeanImageBaselineMse:F4}");
        // Even a VAE trained for three epochs generates items, not noise: the mean prior sample is much closer to the
        // mean test image than an empty (black) image is.
        Assert.True(result.PriorMeanImageMse < 0.25 * result.MeanImageEnergy,
            $"mean prior sample vs mean test image: {result.PriorMeanImageMse}, all-black: {result.MeanImageEnergy}");
        // The KL term pulls the 2-D codes towards N(0, I) without collapsing them onto one point.
        Assert.InRange(result.ManifoldLatentSpread, 0.05, 3);
        Assert.Contains($"VAE, latent 16: epoch   {Epochs}/{Epochs}", run.Log.ToString());
        Assert.Contains($"VAE, latent 2: epoch   {Epochs}/{Epochs}", run.Log.ToString());

        var json = run.AssertResultsFile(result.ResultsPath, VaeGenerationSample.ResultsName, VaeGenerationSample.Project, 1000);
        Assert.Equal((result.TestReconstructionMse, result.MeanImageBaselineMse, result.PriorMeanImageMse, result.MeanImageEnergy),
            ((double)json["testReconstructionMse"]!, (double)json["meanImageBaselineMse"]!, (double)json["priorMeanImageMse"]!, (double)json["meanImageEnergy"]!));
        Assert.Equal(("mlp", "784-512-16", "784-512-2", result.Network.ParameterCount),
            ((string?)json["network"], (string?)json["architecture"], (string?)json["manifoldArchitecture"], (long)json["parameters"]!));
        Assert.All(result.Captions, c => Assert.StartsWith("VAE 784-512-", c));
    }

    [Fact]
    public void WithArchitectureConvTheSamplesAndTheManifoldAreDecodedByConvolutionalVaesAndAreVariedImages()
    {
        using var conv = new SampleRun(rows: ConvRows, testRows: 100, epochs: ConvEpochs, SampleArchitecture.Conv);

        var result = VaeGenerationSample.Run(conv.Settings);

        conv.AssertPicture(result.PriorSamplesPath, minimumKilobytes: 20);
        conv.AssertPicture(result.ManifoldPath, minimumKilobytes: 20);
        conv.AssertPicture(result.InterpolationPath, minimumKilobytes: 10);
        Assert.Equal((SampleArchitecture.Conv, ConvRows, 100, ConvEpochs), (result.Architecture, result.TrainRows, result.TestRows, result.Epochs));
        var json = conv.AssertResultsFile(result.ResultsPath, VaeGenerationSample.ResultsName, VaeGenerationSample.Project, ConvRows);
        AssertConvolutionalNetwork(result.Network, new int[0], VaeGenerationSample.LatentDimension, json, "1x28x28-conv[32,64]-16");
        Assert.Equal((AutoencoderKind.Variational, AutoencoderKind.Variational, new ImageShape(1, 28, 28), 2, "1x28x28-conv[32,64]-2"),
            (result.Network.Kind, result.ManifoldNetwork.Kind, result.ManifoldNetwork.ImageShape, result.ManifoldNetwork.LatentDimension,
                (string?)json["manifoldArchitecture"]));
        Assert.Equal(new[] { "Convolutional VAE 1x28x28-conv[32,64]-16", "Convolutional VAE 1x28x28-conv[32,64]-2", "Convolutional VAE 1x28x28-conv[32,64]-16" },
            result.Captions.Select(c => c[..c.IndexOf(", ")]));

        // The tiles show what the conv VAEs' decoders gave (the prior draws through the 16-D one, the grid through the
        // 2-D one); these are images (finite, in [0, 1]) and they differ from each other: per pixel, they vary at least a
        // tenth as much as the test images do (the mean image's MSE is the test images' pixel variance).
        var samples = result.PriorSamples.ToArray();
        var manifold = result.ManifoldDecodings.ToArray();
        Assert.Equal((100, 400), (samples.Length, manifold.Length));
        AssertTilesShow(result.PriorSamplesPath, Group(result.PriorSampleTiles, "prior samples"), samples, "conv prior sample");
        AssertTilesShow(result.ManifoldPath, Group(result.ManifoldTiles, "manifold"), manifold, "conv manifold");
        foreach (var (what, images) in new[] { ("prior samples", samples), ("manifold", manifold) })
        {
            Assert.Equal(0, images.SelectMany(image => image).Count(v => !(float.IsFinite(v) && v >= 0f && v <= 1f)));
            var spread = PixelVariance(images);
            Assert.True(spread > 0.1 * result.MeanImageBaselineMse,
                $"{what}: pixel variance across the images {spread:F5}, the test images' {result.MeanImageBaselineMse:F5}");
        }
    }

    [Fact]
    public void EachFigureShowsTheDecodingsItClaims()
    {
        var result = VaeGenerationSample.Run(run.Settings);

        var test = run.Test;
        var ml = new MLContext(seed: 1);
        using var vae = run.TrainAgain((context, train) =>
            context.Transforms.Autoencoder(VaeGenerationSample.Options(SampleArchitecture.Mlp, VaeGenerationSample.LatentDimension, Epochs, TextWriter.Null)).Fit(train));
        using var vae2 = run.TrainAgain((context, train) => context.Transforms.Autoencoder(VaeGenerationSample.Options(SampleArchitecture.Mlp, 2, Epochs, TextWriter.Null)).Fit(train));
        var scored = vae.Transform(test.ToDataView(ml));
        var reconstructions = scored.VectorColumn("Reconstruction");
        Assert.Equal(MeanSquaredError.Between(reconstructions, test.Pixels), result.TestReconstructionMse, 9);

        // Prior samples: row i is the decoder's output for the sampler's prior draw of row i, z ~ N(0, I).
        var latent = VaeGenerationSample.LatentDimension;
        var priorSamples = DecoderMeans(vae, PriorDraws(), latent);
        AssertTilesShow(result.PriorSamplesPath, Group(result.PriorSampleTiles, "prior samples"), priorSamples, "prior sample");
        Assert.Equal(priorSamples, result.PriorSamples);

        // Manifold: tile i is the 2-D VAE's decoding of grid point i, laid out row by row from the top left.
        var grid = VaeGenerationSample.ManifoldGrid();
        var manifold = Group(result.ManifoldTiles, "manifold");
        var decodings = DecoderMeans(vae2, grid.SelectMany(p => p).ToArray(), 2);
        AssertTilesShow(result.ManifoldPath, manifold, decodings, "manifold");
        Assert.Equal(decodings, result.ManifoldDecodings);
        var side = VaeGenerationSample.ManifoldGridSide;
        Assert.All(manifold, t => Assert.Equal((manifold[0].X + t.Index % side * t.Width, manifold[0].Y + t.Index / side * t.Height), (t.X, t.Y)));

        // Interpolations: between the first test items of the classes named, the test images at both ends, and between
        // them the decoded straight line from one posterior mean to the other, which starts and ends at their reconstructions.
        Assert.Equal(VaeGenerationSample.InterpolatedClasses.Select(p => (Array.IndexOf(test.Labels, p.From), Array.IndexOf(test.Labels, p.To))),
            result.InterpolatedItems);
        var means = scored.VectorColumn("Embedding");
        var steps = VaeGenerationSample.InterpolationSteps;
        using var png = Decode(result.InterpolationPath);
        foreach (var (from, to) in result.InterpolatedItems)
        {
            var strip = Group(result.InterpolationTiles, FashionMnist.ClassNames[test.Labels[from]]);
            Assert.Equal(steps + 2, strip.Length);
            var line = Enumerable.Range(0, steps)
                .SelectMany(s => means[from].Zip(means[to], (a, b) => a + (b - a) * s / (float)(steps - 1)))
                .ToArray();
            var path = DecoderMeans(vae, line, latent);
            Assert.True(MostDifferentPixel(path[0], path[^1]) > 0.1, "the path's ends are alike: the comparison would not see it reversed");
            var what = $"{FashionMnist.ClassNames[test.Labels[from]]} to {FashionMnist.ClassNames[test.Labels[to]]}";
            AssertTileShows(png, strip[0], test.GetImage(from), UnitTone, 0.5, $"{what}: item a");
            AssertTileShows(png, strip[1], reconstructions[from], UnitTone, 1, $"{what}: t = 0");
            for (var s = 0; s < steps; s++)
                AssertTileShows(png, strip[s + 1], path[s], UnitTone, 1, $"{what}: step {s}");
            AssertTileShows(png, strip[steps], reconstructions[to], UnitTone, 1, $"{what}: t = 1");
            AssertTileShows(png, strip[^1], test.GetImage(to), UnitTone, 0.5, $"{what}: item b");
        }
        Assert.Equal(result.InterpolatedItems.Count * (steps + 2), result.InterpolationTiles.Count);
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

    /// <summary>The sampler's prior draws, z ~ N(0, I), of the rows of the sample's grid, stored flat row after row.</summary>
    private static float[] PriorDraws()
    {
        var latent = VaeGenerationSample.LatentDimension;
        var count = VaeGenerationSample.PriorGridSide * VaeGenerationSample.PriorGridSide;
        var draws = new float[count * latent];
        for (var i = 0; i < count; i++)
            new RowNoise(VaeGenerationSample.PriorSeed, NoiseStream.Latent, i).FillNormal(draws.AsSpan(i * latent, latent), 1f);
        return draws;
    }

    /// <summary>The variance of each pixel across the images, averaged over the pixels.</summary>
    private static double PixelVariance(float[][] images) =>
        Enumerable.Range(0, images[0].Length).Average(p =>
        {
            var mean = images.Average(image => (double)image[p]);
            return images.Average(image => (image[p] - mean) * (image[p] - mean));
        });

    /// <summary>The VAE's decoder means for the codes, stored flat row after row.</summary>
    private static float[][] DecoderMeans(AutoencoderEmbeddingTransformer vae, float[] codes, int latent)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = codes.Length / latent;
        var decoded = vae.Module.Decode(tensor(codes, new long[] { rows, latent })).data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(r => decoded[(784 * r)..(784 * (r + 1))]).ToArray();
    }

    /// <summary>The tiles show the images, which differ enough that a tile drawn in another's place would fail.</summary>
    private static void AssertTilesShow(string pngPath, MLNetAutoencoders.Samples.Gallery.Drawing.ImageTile[] tiles, float[][] images, string what)
    {
        Assert.True(MostDifferentPixel(images[0], images[^1]) > 0.1, $"the first and last {what} are alike: the comparison would not see them swapped");
        using var png = Decode(pngPath);
        Assert.Equal(images.Length, tiles.Length);
        for (var i = 0; i < tiles.Length; i++)
            AssertTileShows(png, tiles[i], images[i], UnitTone, 1, $"{what} {i}");
    }

    private static double MostDifferentPixel(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
