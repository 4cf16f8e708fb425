using MLNetAutoencoders.Samples.Gallery;
using Xunit;
using static MLNetAutoencoders.Tests.Samples.SampleRun;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class KSparseFiltersSampleTests : IDisposable
{
    private const int WellRecoveredUses = 10;
    private readonly SampleRun run = new(rows: 500, testRows: 200, epochs: 1);

    public void Dispose() => run.Dispose();

    [Fact]
    public void EachPanelShowsTheDecoderFiltersOfTheNetworkTrainedWithItsKMostUsedFirst()
    {
        var result = KSparseFiltersSample.Run(run.Settings);

        run.AssertPicture(result.ImagePath, minimumKilobytes: 100);
        Assert.Equal(new[] { 70, 40, 25, 10 }, result.Sets.Select(s => s.K));
        var json = run.AssertResultsFile(result.ResultsPath, KSparseFiltersSample.ResultsName, KSparseFiltersSample.Project, 500);
        Assert.Equal(result.Sets.Select(s => (s.K, s.TestMse, s.UnitsUsed)),
            json["sets"]!.AsArray().Select(s => ((int)s!["k"]!, (double)s["testMse"]!, (int)s["unitsUsed"]!)));
        using var png = Decode(result.ImagePath);
        foreach (var set in result.Sets)
        {
            Assert.InRange(set.UnitsUsed, set.K, KSparseFiltersSample.LatentDimension);
            Assert.InRange(set.TestMse, 0, 1);
            Assert.True(set.DecoderResidual < 1e-4, $"k = {set.K}: the recovered decoder misses by {set.DecoderResidual}");
            Assert.Equal(Enumerable.Range(0, KSparseFiltersSample.LatentDimension), set.FilterUnits.Order());
            Assert.Equal(set.FilterUses.OrderDescending(), set.FilterUses);

            // The network's own decoder (no hidden layer, identity output): filter j = decode(e_j) - decode(0).
            using var model = run.TrainAgain((ml, train) => ml.Transforms.Autoencoder(KSparseFiltersSample.Options(set.K, 1, TextWriter.Null)).Fit(train));
            var latent = KSparseFiltersSample.LatentDimension;
            using var codes = cat([zeros(1, latent), eye(latent)]);
            using var decoded = model.Module.Decode(codes);
            var outputs = decoded.data<float>().ToArray();
            float[] Filter(int unit) => Enumerable.Range(0, 784).Select(i => outputs[784 * (unit + 1) + i] - outputs[i]).ToArray();

            var tiles = Group(result.Tiles, $"k = {set.K}");
            Assert.Equal(latent, tiles.Length);
            var blank = 0;
            var compared = 0;
            for (var p = 0; p < tiles.Length; p++)
            {
                var unit = set.FilterUnits[p];
                if (set.FilterUses[p] == 0 || IsBlank(png, tiles[p]))
                {
                    // A unit never active, or one the rows cannot tell apart, is drawn mid-grey: its filter is unknown.
                    blank++;
                    continue;
                }
                // A unit active in a handful of rows is recovered from tiny activations: round-off, not a drawing error.
                if (set.FilterUses[p] < WellRecoveredUses)
                    continue;
                compared++;
                var filter = Filter(unit);
                var scale = filter.Max(MathF.Abs);
                // 31 levels, 8 grey levels apart: the drawn level is the nearest, within 4 of the exact tone.
                AssertTileShows(png, tiles[p], filter, v => 128 + 120.0 * v / scale, 4.5, $"k = {set.K}, filter of unit {unit}, used {set.FilterUses[p]} times");
            }
            Assert.Equal(set.FilterUses.Count(n => n == 0) + set.UnidentifiedUnits, blank);
            Assert.True(compared >= set.UnitsUsed / 2, $"k = {set.K}: only {compared} of {set.UnitsUsed} filters were used in {WellRecoveredUses} rows");
        }
    }

    private static bool IsBlank(SkiaSharp.SKBitmap png, MLNetAutoencoders.Samples.Gallery.Drawing.ImageTile tile)
    {
        for (var y = tile.Y; y < tile.Y + tile.Height; y++)
            for (var x = tile.X; x < tile.X + tile.Width; x++)
                if (png.GetPixel(x, y).Red != 128)
                    return false;
        return true;
    }
}
