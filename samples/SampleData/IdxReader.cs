using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNetAutoencoders.SampleData;

/// <summary>
/// Strict reader for the IDX files of (Fashion-)MNIST, gzip-compressed or not. Every mismatch
/// (magic number, dimensions, data length, label range, broken gzip) is reported as an
/// <see cref="InvalidDataException"/> whose message starts with the file name.
/// </summary>
internal static class IdxReader
{
    /// <summary>Magic of an unsigned-byte IDX file with 3 dimensions (images).</summary>
    internal const uint ImagesMagic = 0x00000803;

    /// <summary>Magic of an unsigned-byte IDX file with 1 dimension (labels).</summary>
    internal const uint LabelsMagic = 0x00000801;

    private const int ChunkSize = 1 << 16;

    private static readonly float[] s_pixelScale = CreatePixelScale();

    private static float[] CreatePixelScale()
    {
        var table = new float[256];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = i / 255f;
        }

        return table;
    }

    /// <summary>Opens a file, transparently decompressing it when it starts with the gzip signature.</summary>
    internal static Stream OpenFile(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: ChunkSize);
        try
        {
            Span<byte> signature = stackalloc byte[2];
            int read = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (read == 2 && signature[0] == 0x1f && signature[1] == 0x8b)
            {
                return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
            }

            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads an images file (magic 0x00000803, dimensions N x 28 x 28) and returns the first
    /// <paramref name="take"/> images (all when null) as row-major floats scaled to [0, 1].
    /// The whole file is still read so that its length is verified.
    /// </summary>
    internal static float[] ReadImages(Stream stream, string name, int? take, out int totalCount)
    {
        const int Pixels = FashionMnistSplit.PixelCount;
        int count = ReadHeader(stream, name, ImagesMagic, out var dims);
        if (dims[1] != FashionMnistSplit.ImageHeight || dims[2] != FashionMnistSplit.ImageWidth)
        {
            throw Fail(name, $"images are {dims[1]}x{dims[2]}, expected {FashionMnistSplit.ImageHeight}x{FashionMnistSplit.ImageWidth}");
        }

        if (count > int.MaxValue / Pixels)
        {
            throw Fail(name, $"image count {count} is too large");
        }

        int rows = take is int t ? Math.Min(t, count) : count;
        var pixels = new float[(long)rows * Pixels];
        long wanted = (long)rows * Pixels;
        long expected = (long)count * Pixels;
        var table = s_pixelScale;
        var buffer = new byte[ChunkSize];
        long total = 0;
        while (true)
        {
            int n = ReadChunk(stream, buffer, name);
            if (n == 0)
            {
                break;
            }

            if (total < wanted)
            {
                int convert = (int)Math.Min(n, wanted - total);
                var dst = pixels.AsSpan((int)total, convert);
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = table[buffer[i]];
                }
            }

            total += n;
            if (total > expected)
            {
                throw Fail(name, $"more data than the {count} images of the header declare");
            }
        }

        if (total != expected)
        {
            throw Fail(name, $"truncated: {total} pixel bytes, expected {expected} for {count} images");
        }

        totalCount = count;
        return pixels;
    }

    /// <summary>
    /// Reads a labels file (magic 0x00000801) and returns the first <paramref name="take"/> labels
    /// (all when null). Every label of the file must be below <paramref name="classCount"/>.
    /// </summary>
    internal static int[] ReadLabels(Stream stream, string name, int classCount, int? take, out int totalCount)
    {
        int count = ReadHeader(stream, name, LabelsMagic, out _);
        int rows = take is int t ? Math.Min(t, count) : count;
        var labels = new int[rows];
        var buffer = new byte[ChunkSize];
        long total = 0;
        while (true)
        {
            int n = ReadChunk(stream, buffer, name);
            if (n == 0)
            {
                break;
            }

            if (total + n > count)
            {
                throw Fail(name, $"more data than the {count} labels of the header declare");
            }

            for (int i = 0; i < n; i++)
            {
                byte label = buffer[i];
                if (label >= classCount)
                {
                    throw Fail(name, $"label {label} at row {total + i} is outside [0, {classCount - 1}]");
                }

                long row = total + i;
                if (row < rows)
                {
                    labels[row] = label;
                }
            }

            total += n;
        }

        if (total != count)
        {
            throw Fail(name, $"truncated: {total} labels, expected {count}");
        }

        totalCount = count;
        return labels;
    }

    private static int ReadHeader(Stream stream, string name, uint expectedMagic, out int[] dims)
    {
        Span<byte> word = stackalloc byte[4];
        ReadExact(stream, word, name, "the magic number");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(word);
        if (magic != expectedMagic)
        {
            throw Fail(name, $"bad magic number 0x{magic:X8}, expected 0x{expectedMagic:X8}");
        }

        int rank = (int)(magic & 0xFF);
        dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            ReadExact(stream, word, name, $"dimension {i}");
            uint dim = BinaryPrimitives.ReadUInt32BigEndian(word);
            if (dim > int.MaxValue)
            {
                throw Fail(name, $"dimension {i} is {dim}, too large");
            }

            dims[i] = (int)dim;
        }

        return dims[0];
    }

    private static void ReadExact(Stream stream, Span<byte> destination, string name, string what)
    {
        int read;
        try
        {
            read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw Fail(name, $"cannot read {what}: {ex.Message}", ex);
        }

        if (read != destination.Length)
        {
            throw Fail(name, $"truncated: the file ends inside the header ({what})");
        }
    }

    private static int ReadChunk(Stream stream, byte[] buffer, string name)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw Fail(name, $"corrupted compressed data: {ex.Message}", ex);
        }
    }

    private static InvalidDataException Fail(string name, string message, Exception? inner = null)
        => new($"{name}: {message}.", inner);
}
