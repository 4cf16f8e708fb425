using MLNetAutoencoders.Samples.Gallery.Analysis;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public class RocCurveTests
{
    [Fact]
    public void APerfectRankingHasAreaOneAndPassesThroughTheTopLeftCorner()
    {
        var curve = RocCurve.From([0.9f, 0.8f, 0.2f, 0.1f], [true, true, false, false]);

        Assert.Equal(1.0, curve.Area);
        Assert.Equal(new[] { 0, 0, 0, 0.5, 1 }, curve.FalsePositiveRates);
        Assert.Equal(new[] { 0, 0.5, 1, 1, 1 }, curve.TruePositiveRates);
    }

    [Fact]
    public void TheAreaIsTheProbabilityThatAnAnomalyOutscoresANormalRowWithTiesCountingOneHalf()
    {
        // Pairs (anomaly, normal): (3, 1) win, (3, 2) win, (2, 1) win, (2, 2) tie: 3.5 of 4.
        var curve = RocCurve.From([3f, 2f, 2f, 1f], [true, true, false, false]);

        Assert.Equal(3.5 / 4, curve.Area, 12);
        // The tied pair is one diagonal step, not two.
        Assert.Equal(4, curve.FalsePositiveRates.Length);
    }

    [Fact]
    public void OneClassMissingOrANaNScoreIsRejected()
    {
        Assert.Contains("Both classes", Assert.Throws<ArgumentException>(() => RocCurve.From([1f, 2f], [true, true])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => RocCurve.From([1f, float.NaN], [true, false])).Message);
    }
}
