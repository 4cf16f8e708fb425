using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery.Drawing;

/// <summary>
/// Rows of 28x28 images with a label to the left of each row and an optional caption above each column: the
/// layout of the lecture's clean / noisy / reconstructed figures. The block starts <c>left</c> pixels from the figure's edge.
/// </summary>
internal sealed class ImageRows(int columns, int scale = 3, int labelWidth = 230, float left = 0)
{
    private const int Side = 28;
    private const int Gap = 6;

    public int Cell => Side * scale + Gap;

    public int Width => labelWidth + columns * Cell;

    /// <summary>Column captions (e.g. class names), centred over each column, baseline at <paramref name="y"/>.</summary>
    public void Captions(Figure figure, IReadOnlyList<string> captions, float y)
    {
        for (var c = 0; c < captions.Count; c++)
            figure.Text(captions[c], left + labelWidth + c * Cell + Side * scale / 2f, y, 13, SKTextAlign.Center);
    }

    /// <summary>One row of grey-scale images starting at <paramref name="top"/>, with a one- or two-line label (the tiles' group).</summary>
    public void Row(Figure figure, float top, string label, string? detail, IReadOnlyList<byte[]> images)
    {
        var middle = top + Side * scale / 2f;
        figure.Text(label, left + labelWidth - 14, detail is null ? middle + 5 : middle - 3, 15, SKTextAlign.Right, bold: true);
        if (detail is not null)
            figure.Text(detail, left + labelWidth - 14, middle + 16, 14, SKTextAlign.Right);
        for (var c = 0; c < images.Count; c++)
        {
            var x = left + labelWidth + c * Cell;
            figure.GreyImage(images[c], Side, Side, new SKRect(x, top, x + Side * scale, top + Side * scale), label, c);
        }
    }
}
