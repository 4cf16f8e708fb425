using Microsoft.ML.Data;

namespace MLNetAutoencoders.Training;

/// <summary>
/// Which rows are held out for validation: a row is a validation row when a seeded hash of its row id
/// (<see cref="DataViewRowId"/>, the view's stable identity of a row, also under a shuffling cursor) falls below the
/// fraction. The rule needs no row count and holds no rows, so the in-memory and the streaming path split alike; the
/// number of validation rows is binomial around fraction x rows.
/// </summary>
internal sealed class ValidationSplit(int seed, float fraction)
{
    private readonly ulong salt = Mix(0x5DEECE66DUL ^ (ulong)(uint)seed);
    private readonly ulong cut = (ulong)(fraction * Math.Pow(2, 53));

    /// <summary>Null when <paramref name="fraction"/> is 0: every row trains.</summary>
    public static ValidationSplit? For(int seed, float fraction) => fraction > 0 ? new ValidationSplit(seed, fraction) : null;

    public bool IsValidation(DataViewRowId id) => Mix(Mix(id.Low ^ salt) ^ id.High) >> 11 < cut;

    // SplitMix64's finalizer: consecutive ids land on unrelated values.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
