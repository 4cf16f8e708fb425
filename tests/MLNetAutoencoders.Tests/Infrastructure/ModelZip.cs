using System.IO.Compression;

namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>Reads the entries of a saved model zip as bytes, for tests that inspect or damage our binary format.</summary>
internal static class ModelZip
{
    /// <summary>The first entry whose bytes contain <paramref name="pattern"/>: its name, its bytes and where the pattern starts; null when none does.</summary>
    public static (string Entry, byte[] Payload, int Offset)? Find(byte[] zip, ReadOnlySpan<byte> pattern)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            using var read = entry.Open();
            using var copy = new MemoryStream();
            read.CopyTo(copy);
            var payload = copy.ToArray();
            var offset = payload.AsSpan().IndexOf(pattern);
            if (offset >= 0)
                return (entry.FullName, payload, offset);
        }
        return null;
    }
}
