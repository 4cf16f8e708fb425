using MLNetAutoencoders.Samples.Gallery;
using SkiaSharp;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

/// <summary>
/// A gallery sample run with tiny settings in its own temp folder: the embedded Fashion-MNIST subset (whatever is
/// installed, so the results do not depend on the machine), a few hundred rows, one or two epochs.
/// </summary>
public sealed class SampleRun : IDisposable
{
    public SampleRun(int rows, int testRows, int epochs)
    {
        Settings = new SampleSettings
        {
            OutputDirectory = Path.Combine(Folder, "out"),
            Rows = rows,
            TestRows = testRows,
            Epochs = epochs,
            DataDirectory = Path.Combine(Folder, "no-dataset-here"),
            Log = Log,
        };
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "mlnetae-gallery-" + Guid.NewGuid().ToString("N"));

    public StringWriter Log { get; } = new();

    public SampleSettings Settings { get; }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }

    /// <summary>The file is in the output folder, over <paramref name="minimumKilobytes"/> KB, decodes as a PNG and is not one flat colour.</summary>
    public void AssertPicture(string path, int minimumKilobytes)
    {
        Assert.Equal(Path.GetFullPath(Settings.OutputDirectory), Path.GetDirectoryName(path));
        Assert.True(File.Exists(path), $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > minimumKilobytes * 1024, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(SKEncodedImageFormat.Png, SKCodec.Create(new MemoryStream(bytes))?.EncodedFormat);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 3)
            for (var x = 0; x < bitmap.Width; x += 3)
                colours.Add(bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 50, $"{path} has only {colours.Count} distinct colours");
    }
}
