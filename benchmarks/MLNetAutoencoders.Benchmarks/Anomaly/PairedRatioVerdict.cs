using System.Globalization;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The benchmarks' verdict rule on paired ratios (ours / reference, one per repeat): PASS only when the whole min–max
/// range clears the target, FAIL only when the whole range misses it, "inconclusive" otherwise, and with fewer than
/// <see cref="MinimumRepeats"/> repeats. A small copy for the anomaly benchmark until the shared one is merged.
/// </summary>
/// <param name="Ratios">Every repeat's ratio, in order.</param>
/// <param name="AtLeast">Target: ratio ≥ this.</param>
internal sealed record PairedRatioVerdict(double[] Ratios, double AtLeast)
{
    public const int MinimumRepeats = 5;

    public double Median
    {
        get
        {
            var sorted = Ratios.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }

    public double Min => Ratios.Min();

    public double Max => Ratios.Max();

    public string Verdict =>
        Ratios.Length < MinimumRepeats ? "inconclusive" : Min >= AtLeast ? "PASS" : Max < AtLeast ? "FAIL" : "inconclusive";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"median {Median:F3} (min–max {Min:F3}–{Max:F3} over {Ratios.Length} paired repeats), target ≥ {AtLeast:F2}: {Verdict}");
}
