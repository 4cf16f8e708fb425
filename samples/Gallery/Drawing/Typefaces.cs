using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery.Drawing;

/// <summary>A sans-serif typeface that is installed (Skia's default on Debian is a serif one).</summary>
internal static class Typefaces
{
    private static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI"];

    public static SKTypeface Sans { get; } = Find(SKFontStyle.Normal);

    public static SKTypeface SansBold { get; } = Find(SKFontStyle.Bold);

    private static SKTypeface Find(SKFontStyle style)
    {
        var installed = SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var family = Preferred.FirstOrDefault(installed.Contains);
        return (family is null ? null : SKTypeface.FromFamilyName(family, style)) ?? SKTypeface.Default;
    }
}
