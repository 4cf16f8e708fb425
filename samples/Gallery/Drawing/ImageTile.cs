namespace MLNetAutoencoders.Samples.Gallery.Drawing;

/// <summary>
/// One 28x28 image drawn in a figure, so a reader of the PNG can find it: a <paramref name="Width"/> x
/// <paramref name="Height"/> rectangle at (<paramref name="X"/>, <paramref name="Y"/>) in PNG pixels, each source
/// pixel an equal block of it.
/// </summary>
/// <param name="Group">The row or panel it belongs to, as the figure labels it ("denoising AE", "k = 40", ...).</param>
/// <param name="Index">Its place in that row (from the left) or panel (row by row).</param>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width: 28 times the scale.</param>
/// <param name="Height">Height: 28 times the scale.</param>
public sealed record ImageTile(string Group, int Index, int X, int Y, int Width, int Height);
