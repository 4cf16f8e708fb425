using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery.Drawing;

/// <summary>A white canvas of a fixed size that image tiles, text and ScottPlot plots are drawn on, saved as one PNG.</summary>
internal sealed class Figure : IDisposable
{
    private readonly SKSurface surface;

    public Figure(int width, int height)
    {
        Width = width;
        Height = height;
        surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} surface.");
        Canvas.Clear(SKColors.White);
    }

    public int Width { get; }

    public int Height { get; }

    public SKCanvas Canvas => surface.Canvas;

    /// <summary>The images drawn with a group name, in drawing order.</summary>
    public IReadOnlyList<ImageTile> Tiles => tiles;

    private readonly List<ImageTile> tiles = [];

    /// <summary>Text whose baseline starts (or is centred, or ends, by <paramref name="align"/>) at (x, y).</summary>
    public void Text(string text, float x, float y, float size, SKTextAlign align = SKTextAlign.Left, bool bold = false)
    {
        using var font = new SKFont(bold ? Typefaces.SansBold : Typefaces.Sans, size);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        Canvas.DrawText(text, x, y, align, font, paint);
    }

    /// <summary>
    /// A grey-scale image, row-major, stretched over <paramref name="destination"/> without smoothing; recorded in
    /// <see cref="Tiles"/> as item <paramref name="index"/> of <paramref name="group"/> when a group is given.
    /// </summary>
    public void GreyImage(byte[] pixels, int width, int height, SKRect destination, string? group = null, int index = 0)
    {
        if (group is not null)
            tiles.Add(new ImageTile(group, index, (int)destination.Left, (int)destination.Top, (int)destination.Width, (int)destination.Height));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        Canvas.DrawImage(image, destination, new SKSamplingOptions(SKFilterMode.Nearest));
    }

    /// <summary>Renders a ScottPlot plot into a rectangle of this figure.</summary>
    public void Plot(ScottPlot.Plot plot, SKRect area)
    {
        plot.Font.Set(Typefaces.Sans.FamilyName);
        // Off screen first: ScottPlot clears the whole canvas it is given before drawing.
        using var panel = SKSurface.Create(new SKImageInfo((int)area.Width, (int)area.Height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {area.Width}x{area.Height} surface.");
        plot.Render(panel);
        using var image = panel.Snapshot();
        Canvas.DrawImage(image, area.Left, area.Top);
    }

    /// <summary>Writes the figure; a <paramref name="greyScale"/> one is stored with one channel, a third of the size.</summary>
    public string SavePng(string path, bool greyScale = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var image = surface.Snapshot();
        using var pixels = new SKBitmap(new SKImageInfo(Width, Height, greyScale ? SKColorType.Gray8 : SKColorType.Rgba8888,
            greyScale ? SKAlphaType.Opaque : SKAlphaType.Premul));
        if (!image.ReadPixels(pixels.Info, pixels.GetPixels(), pixels.RowBytes, 0, 0))
            throw new InvalidOperationException($"SkiaSharp could not read the {Width}x{Height} figure back for {path}.");
        using var data = pixels.Encode(SKEncodedImageFormat.Png, 100);
        using (var file = File.Create(path))
            data.SaveTo(file);
        return Path.GetFullPath(path);
    }

    public void Dispose() => surface.Dispose();
}
