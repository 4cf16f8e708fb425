using Microsoft.ML;

namespace MLNetAutoencoders.Persistence;

/// <summary>Bounded readers for the parts of our model entries that are not network weights, and their version stamp.</summary>
internal static class ModelFormat
{
    /// <summary>Largest per-epoch history accepted from a model file.</summary>
    public const int MaxHistoryLength = 1_000_000;

    /// <summary>Largest scoring batch size accepted from a model file.</summary>
    public const int MaxScoringBatchSize = 1 << 20;

    /// <summary>The version every entry of ours wrote in v0.1.0 (format 1.1); every reader reads it back.</summary>
    public const uint FirstVersion = 0x00010001;

    /// <summary>
    /// The version from which the embedding and sampler entries' network description starts with its own version number
    /// (the detector's entry, which had changed once before, says so from 0x00010003).
    /// </summary>
    public const uint VersionedDescription = 0x00010002;

    /// <summary>Whether the embedding or sampler entry being read has a description that starts with its own version.</summary>
    public static bool DescriptionCarriesVersion(ModelLoadContext ctx) => ctx.Header.ModelVerWritten >= VersionedDescription;

    /// <summary>
    /// The version stamp of one of our model entries: <paramref name="modelSignature"/> (8 characters) and the loader of
    /// <paramref name="owner"/>; an entry whose format changed since v0.1.0 writes <paramref name="written"/> (readable
    /// only by readers of that version) and still reads <see cref="FirstVersion"/>.
    /// </summary>
    public static VersionInfo VersionOf(string modelSignature, string loaderSignature, Type owner, uint written = FirstVersion) => new(
        modelSignature: modelSignature,
        verWrittenCur: written,
        verReadableCur: written,
        verWeCanReadBack: FirstVersion,
        loaderSignature: loaderSignature,
        loaderAssemblyName: owner.Assembly.GetName().Name);

    /// <summary>Reads a scoring batch size, in [1, <see cref="MaxScoringBatchSize"/>].</summary>
    public static int ReadScoringBatchSize(BinaryReader reader) => ReadInt(reader, "the scoring batch size", 1, MaxScoringBatchSize);

    public static void WriteFloats(BinaryWriter writer, IReadOnlyList<float> values)
    {
        writer.Write(values.Count);
        foreach (var v in values)
            writer.Write(v);
    }

    public static float[] ReadFloats(BinaryReader reader, string what, int maxLength = MaxHistoryLength)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > maxLength)
            throw new FormatException($"Model file claims {count} values for {what}; expected between 0 and {maxLength}.");
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = reader.ReadSingle();
        return values;
    }

    public static int ReadInt(BinaryReader reader, string what, int min, int max)
    {
        var value = reader.ReadInt32();
        if (value < min || value > max)
            throw new FormatException($"Model file holds {what} = {value}; expected a value in [{min}, {max}].");
        return value;
    }
}
