using Microsoft.ML;
using MLNetAutoencoders.SampleData;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>
/// Fashion-MNIST as a sample uses it: the full set when installed (capped to a number of training rows that keeps
/// the sample within a minute or two on 2 cores), else the embedded 5,000 + 1,000 image subset.
/// </summary>
internal sealed class GalleryData
{
    private GalleryData(FashionMnistSplit train, FashionMnistSplit test, IDataView trainView, IDataView testView)
    {
        Train = train;
        Test = test;
        TrainView = trainView;
        TestView = testView;
    }

    public FashionMnistSplit Train { get; }

    public FashionMnistSplit Test { get; }

    /// <summary>Features (784 pixels in [0, 1]) and Label (class index as Single).</summary>
    public IDataView TrainView { get; }

    public IDataView TestView { get; }

    public bool IsEmbeddedSubset => Train.IsEmbeddedSubset;

    /// <summary>Loads both splits, at most <paramref name="defaultTrainRows"/> training rows unless the settings say otherwise.</summary>
    public static GalleryData Load(MLContext mlContext, SampleSettings settings, int defaultTrainRows)
    {
        var train = FashionMnist.Load(FashionMnistSplitName.Train, settings.Rows ?? defaultTrainRows, settings.DataDirectory);
        var test = FashionMnist.Load(FashionMnistSplitName.Test, settings.TestRows, settings.DataDirectory);
        settings.Log.WriteLine($"Data: {(train.IsEmbeddedSubset ? "embedded subset" : "full dataset")}");
        settings.Log.WriteLine($"  train: {train.Source}");
        settings.Log.WriteLine($"  test:  {test.Source}");
        return new GalleryData(train, test, train.ToDataView(mlContext), test.ToDataView(mlContext));
    }

    /// <summary>The settings' epochs, else the default for the data found.</summary>
    public int Epochs(SampleSettings settings, int fullDataset, int embeddedSubset) =>
        settings.Epochs ?? (IsEmbeddedSubset ? embeddedSubset : fullDataset);
}
