using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders;

/// <summary>
/// The shape of an image fed to a convolutional autoencoder: channels, height and width. The input column holds
/// <see cref="Size"/> values in planar order (all of channel 0 row by row, then channel 1, …), which is what ML.NET's
/// ExtractPixels writes with <c>interleavePixelColors: false</c> (its column type is Vector&lt;Single, channels,
/// height, width&gt;).
/// </summary>
public sealed class ImageShape : IEquatable<ImageShape>
{
    /// <summary>Creates an image shape; each value must be in [1, <see cref="NetworkDescription.MaxLayerSize"/>].</summary>
    /// <param name="channels">Number of colour planes: 1 for grayscale, 3 for red, green and blue.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is below 1 or above <see cref="NetworkDescription.MaxLayerSize"/>.</exception>
    public ImageShape(int channels, int height, int width)
    {
        Check(channels, nameof(Channels), nameof(channels));
        Check(height, nameof(Height), nameof(height));
        Check(width, nameof(Width), nameof(width));
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Number of colour planes.</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Number of values per image: channels x height x width.</summary>
    public long Size => (long)Channels * Height * Width;

    /// <summary>Whether both shapes have the same channels, height and width.</summary>
    public bool Equals(ImageShape? other) =>
        other is not null && Channels == other.Channels && Height == other.Height && Width == other.Width;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ImageShape);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Channels, Height, Width);

    /// <summary>The shape as channels x height x width: <c>1 x 28 x 28</c>.</summary>
    public override string ToString() => $"{Channels} x {Height} x {Width}";

    private static void Check(int value, string option, string parameter)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(parameter, value, $"{option} must be a positive value; got {value}.");
        if (value > NetworkDescription.MaxLayerSize)
            throw new ArgumentOutOfRangeException(parameter, value, $"{option} must be at most {NetworkDescription.MaxLayerSize}; got {value}.");
    }
}
