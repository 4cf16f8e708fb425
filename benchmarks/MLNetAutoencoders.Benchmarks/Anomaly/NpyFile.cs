using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// NumPy's .npy format (version 1.0, little-endian, C order): how the anomaly benchmark hands its exact train and
/// test matrices to the reference scripts (<c>numpy.load</c>) and reads their scores back.
/// </summary>
internal static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    /// <summary>Writes a <paramref name="rows"/> × (values / rows) float32 matrix, row-major.</summary>
    public static void WriteMatrix(string path, ReadOnlySpan<float> values, int rows)
    {
        if (rows <= 0 || values.Length % rows != 0)
            throw new ArgumentException($"{values.Length} values do not make {rows} rows.", nameof(rows));
        var header = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {values.Length / rows}), }}");
        // Magic, version, header length and header (ending in a newline) fill a multiple of 64 bytes.
        var padded = header.PadRight((Magic.Length + 2 + header.Length + 1 + 63) / 64 * 64 - Magic.Length - 2 - 1) + "\n";
        using var file = File.Create(path);
        using var writer = new BinaryWriter(file);
        writer.Write(Magic);
        writer.Write((ushort)padded.Length);
        writer.Write(Encoding.ASCII.GetBytes(padded));
        foreach (var value in values)
            writer.Write(value); // BinaryWriter writes little-endian
    }

    /// <summary>Reads a 1-D float64 or float32 array.</summary>
    /// <exception cref="InvalidDataException">Not a little-endian 1-D float array in C order.</exception>
    public static double[] ReadVector(string path)
    {
        using var file = File.OpenRead(path);
        using var reader = new BinaryReader(file);
        var header = ReadHeader(reader, path);
        var match = HeaderPattern().Match(header);
        if (!match.Success || header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected a 1-D little-endian float array, header {header.Trim()}");
        var values = new double[int.Parse(match.Groups["length"].Value, CultureInfo.InvariantCulture)];
        var isDouble = match.Groups["type"].Value == "f8";
        for (var i = 0; i < values.Length; i++)
            values[i] = isDouble ? reader.ReadDouble() : reader.ReadSingle();
        return values;
    }

    /// <summary>Reads a 2-D float32 or float64 matrix (C order) as row-major Singles.</summary>
    /// <exception cref="InvalidDataException">Not a little-endian 2-D float array in C order.</exception>
    public static (float[] Values, int Rows, int Columns) ReadMatrix(string path)
    {
        using var file = File.OpenRead(path);
        using var reader = new BinaryReader(file);
        var header = ReadHeader(reader, path);
        var match = MatrixHeaderPattern().Match(header);
        if (!match.Success || header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected a 2-D little-endian float array in C order, header {header.Trim()}");
        var rows = int.Parse(match.Groups["rows"].Value, CultureInfo.InvariantCulture);
        var columns = int.Parse(match.Groups["columns"].Value, CultureInfo.InvariantCulture);
        var values = new float[rows * columns];
        var isDouble = match.Groups["type"].Value == "f8";
        for (var i = 0; i < values.Length; i++)
            values[i] = isDouble ? (float)reader.ReadDouble() : reader.ReadSingle();
        return (values, rows, columns);
    }

    [GeneratedRegex(@"'descr': '<(?<type>f8|f4)'.*'shape': \((?<length>\d+),\)")]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"'descr': '<(?<type>f8|f4)'.*'shape': \((?<rows>\d+), (?<columns>\d+)\)")]
    private static partial Regex MatrixHeaderPattern();

    /// <summary>Checks the magic string and returns the header dictionary's text; the reader is then at the data.</summary>
    private static string ReadHeader(BinaryReader reader, string path)
    {
        if (!reader.ReadBytes(6).AsSpan().SequenceEqual(Magic.AsSpan(0, 6)))
            throw new InvalidDataException($"{path} is not a .npy file.");
        var major = reader.ReadByte();
        reader.ReadByte();
        var headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        return Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
    }
}
