using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>
/// <see cref="AutoencoderOptions.NumberOfThreads"/> sets libtorch's thread count while a Fit trains and restores the
/// previous count afterwards, also when Fit fails; null leaves the process setting alone.
/// </summary>
public class NumberOfThreadsTests
{
    private static AutoencoderOptions Small(int? threads, List<int> seen) => new()
    {
        LatentDimension = 2,
        HiddenLayerSizes = [8],
        NumberOfEpochs = 2,
        BatchSize = 16,
        Seed = 3,
        NumberOfThreads = threads,
        Progress = new CallbackProgress(_ => seen.Add(torch.get_num_threads())),
    };

    [Fact]
    public void TrainingRunsWithTheGivenThreadCountAndFitRestoresThePreviousOne()
    {
        var ml = new MLContext(seed: 1);
        var before = torch.get_num_threads();
        var asked = before == 2 ? 3 : 2;
        var seen = new List<int>();

        using (ml.Transforms.Autoencoder(Small(asked, seen)).Fit(ml.ToDataView(SyntheticData.Manifold(64))))
            Assert.Equal(before, torch.get_num_threads());

        Assert.Equal(new[] { asked, asked }, seen);
    }

    [Fact]
    public void NullLeavesTheProcessSetting()
    {
        var ml = new MLContext(seed: 1);
        var before = torch.get_num_threads();
        var seen = new List<int>();

        using (ml.Transforms.Autoencoder(Small(null, seen)).Fit(ml.ToDataView(SyntheticData.Manifold(64))))
            Assert.Equal(before, torch.get_num_threads());

        Assert.Equal(new[] { before, before }, seen);
    }

    [Fact]
    public void AFitThatFailsWhileTrainingRestoresThePreviousCount()
    {
        var ml = new MLContext(seed: 1);
        var before = torch.get_num_threads();
        var options = Small(before + 1, []);
        options.Progress = new CallbackProgress(_ => throw new OperationCanceledException("stop"));

        Assert.Throws<OperationCanceledException>(() => ml.Transforms.Autoencoder(options).Fit(ml.ToDataView(SyntheticData.Manifold(64))));

        Assert.Equal(before, torch.get_num_threads());
    }

    [Fact]
    public void TheAnomalyDetectorTrainsWithTheGivenThreadCountToo()
    {
        var ml = new MLContext(seed: 1);
        var before = torch.get_num_threads();
        var seen = new List<int>();
        var options = new AutoencoderAnomalyOptions { Autoencoder = Small(before + 1, seen) };

        using (ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(ml.ToDataView(SyntheticData.Manifold(64))))
            Assert.Equal(before, torch.get_num_threads());

        Assert.Equal(new[] { before + 1, before + 1 }, seen);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void ANonPositiveCountIsRejectedNamingTheOptionAndValue(int threads)
    {
        var ml = new MLContext(seed: 1);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(new AutoencoderOptions { NumberOfThreads = threads }));

        Assert.Equal("NumberOfThreads", ex.ParamName);
        Assert.Contains($"NumberOfThreads must be a positive value; got {threads}.", ex.Message);
    }
}
