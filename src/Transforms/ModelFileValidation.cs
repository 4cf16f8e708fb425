using System.IO.Compression;
using Microsoft.ML;

namespace MLNetAutoencoders;

/// <summary>Limits a model file must respect before <see cref="ModelFileValidation.LoadValidated(ModelOperationsCatalog, Stream, out DataViewSchema, ModelFileLimits?)"/> hands it to ML.NET.</summary>
/// <param name="MaxFileBytes">Largest model file accepted.</param>
/// <param name="MaxEntryBytes">Largest uncompressed size of one zip entry (ML.NET reads each entry into memory).</param>
/// <param name="MaxEntries">Largest number of zip entries.</param>
public sealed record ModelFileLimits(long MaxFileBytes = 2L << 30, long MaxEntryBytes = 1L << 30, int MaxEntries = 10_000)
{
    /// <summary>The default limits: 2 GiB files, 1 GiB entries, 10,000 entries.</summary>
    public static ModelFileLimits Default { get; } = new();
}

/// <summary>
/// Loading model files that come from outside the process. ML.NET's <c>mlContext.Model.Load</c> loads our
/// transformers too, and their own readers validate every count and shape before allocating; this entry
/// point also checks the zip container first (entry sizes against the file's real size and deflate's
/// maximal ratio), so a file whose length fields claim gigabytes is rejected without allocating them, and
/// every failure surfaces as one documented exception type.
/// </summary>
public static class ModelFileValidation
{
    // Deflate cannot expand data by more than about 1032:1.
    private const long MaxDeflateRatio = 1100;

    /// <summary>
    /// Checks the zip container, then loads the model with ML.NET. Throws <see cref="FormatException"/> (with the
    /// cause as inner exception) for any file that is not a valid model: truncated, corrupted, renamed entries,
    /// a foreign zip, or lengths beyond <paramref name="limits"/>.
    /// </summary>
    public static ITransformer LoadValidated(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema, ModelFileLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ModelFileLimits.Default;
        var seekable = stream.CanSeek ? stream : CopyBounded(stream, limits.MaxFileBytes);
        CheckContainer(seekable, limits);
        seekable.Position = 0;
        try
        {
            return catalog.Load(seekable, out inputSchema);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // ML.NET calls loaders through reflection: report the loader's own error, not the reflection wrapper.
            var cause = ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
            throw new FormatException($"Not a valid model file: {cause.Message}", cause);
        }
    }

    /// <summary>Opens <paramref name="path"/> and calls <see cref="LoadValidated(ModelOperationsCatalog, Stream, out DataViewSchema, ModelFileLimits?)"/>.</summary>
    public static ITransformer LoadValidated(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema, ModelFileLimits? limits = null)
    {
        using var stream = File.OpenRead(path);
        return catalog.LoadValidated(stream, out inputSchema, limits);
    }

    private static void CheckContainer(Stream stream, ModelFileLimits limits)
    {
        if (stream.Length > limits.MaxFileBytes)
            throw new FormatException($"Model file is {stream.Length} bytes; at most {limits.MaxFileBytes} are accepted.");
        stream.Position = 0;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > limits.MaxEntries)
                throw new FormatException($"Model file holds {zip.Entries.Count} entries; at most {limits.MaxEntries} are accepted.");
            foreach (var entry in zip.Entries)
            {
                var bound = Math.Min(limits.MaxEntryBytes, entry.CompressedLength * MaxDeflateRatio + 4096);
                if (entry.Length < 0 || entry.Length > bound || entry.CompressedLength > stream.Length)
                    throw new FormatException(
                        $"Model file entry '{entry.FullName}' claims {entry.Length} bytes ({entry.CompressedLength} compressed in a {stream.Length}-byte file); at most {bound} are possible.");
            }
        }
        catch (InvalidDataException ex)
        {
            throw new FormatException($"Not a valid model file (zip container): {ex.Message}", ex);
        }
    }

    private static MemoryStream CopyBounded(Stream source, long maxBytes)
    {
        var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (copy.Length + read > maxBytes)
                throw new FormatException($"Model file is larger than the {maxBytes} bytes accepted.");
            copy.Write(buffer, 0, read);
        }
        copy.Position = 0;
        return copy;
    }
}
