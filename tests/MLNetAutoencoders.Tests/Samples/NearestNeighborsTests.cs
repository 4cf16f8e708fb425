using MLNetAutoencoders.Samples.Gallery.Analysis;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public class NearestNeighborsTests
{
    // Class 0 around x = 0, class 1 around x = 10, one class-1 outlier at x = 1.
    private static readonly float[][] Reference = [[0], [0.5f], [-0.5f], [1], [10], [10.5f], [9.5f]];
    private static readonly int[] ReferenceLabels = [0, 0, 0, 1, 1, 1, 1];

    [Fact]
    public void TheMajorityOfTheKNearestReferencePointsDecides()
    {
        float[][] queries = [[0.9f], [9.9f]];

        // 1-NN follows the outlier at x = 1; 3-NN outvotes it.
        Assert.Equal(0.5, NearestNeighbors.Accuracy(Reference, ReferenceLabels, queries, [0, 1], k: 1));
        Assert.Equal(1.0, NearestNeighbors.Accuracy(Reference, ReferenceLabels, queries, [0, 1], k: 3));
    }

    [Fact]
    public void ATieGoesToTheLabelThatReachesTheTopCountFirstWalkingOutFromTheNearest()
    {
        // From -0.1 the four nearest are, in order, classes 0, 1, 1, 0: a 2-2 tie that class 1 reached first.
        float[][] reference = [[0], [1], [2], [3]];

        Assert.Equal(1.0, NearestNeighbors.Accuracy(reference, [0, 1, 1, 0], [[-0.1f]], [1], k: 4));
    }
}
