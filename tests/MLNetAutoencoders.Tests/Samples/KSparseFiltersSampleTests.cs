using MLNetAutoencoders.Samples.Gallery;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class KSparseFiltersSampleTests : IDisposable
{
    private readonly SampleRun run = new(rows: 500, testRows: 200, epochs: 1);

    public void Dispose() => run.Dispose();

    [Fact]
    public void DrawsTheDecoderFiltersOfEachKFromExactlyRecoveredDecoders()
    {
        var result = KSparseFiltersSample.Run(run.Settings);

        run.AssertPicture(result.ImagePath, minimumKilobytes: 100);
        Assert.Equal("ksparse-filters.png", Path.GetFileName(result.ImagePath));
        Assert.Equal(new[] { 70, 40, 25, 10 }, result.Sets.Select(s => s.K));
        Assert.All(result.Sets, set =>
        {
            Assert.InRange(set.UnitsUsed, set.K, KSparseFiltersSample.LatentDimension);
            Assert.InRange(set.TestMse, 0, 1);
            Assert.True(set.DecoderResidual < 1e-4, $"k = {set.K}: the recovered decoder misses by {set.DecoderResidual}");
        });
    }
}
