namespace MLNetAutoencoders.SampleData;

/// <summary>The two standard splits of Fashion-MNIST.</summary>
public enum FashionMnistSplitName
{
    /// <summary>The training split: 60,000 images in the full dataset, 5,000 in the embedded subset.</summary>
    Train,

    /// <summary>The test split ("t10k"): 10,000 images in the full dataset, 1,000 in the embedded subset.</summary>
    Test,
}
