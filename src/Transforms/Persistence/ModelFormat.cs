namespace MLNetAutoencoders.Persistence;

/// <summary>Bounded readers for the parts of our model entries that are not network weights.</summary>
internal static class ModelFormat
{
    /// <summary>Largest per-epoch history accepted from a model file.</summary>
    public const int MaxHistoryLength = 1_000_000;

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
