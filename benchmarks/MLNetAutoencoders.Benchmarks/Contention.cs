using System.Diagnostics;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Measures how many cores other processes kept busy while a sample ran (Linux: /proc/stat minus this process's
/// /proc/self/stat and its waited-for children, such as the PyTorch reference), and retries samples taken while
/// the machine was shared; a sample still contended after <see cref="MaxAttempts"/> is kept and flagged (the
/// measurements count it, and <see cref="Verdict"/> turns a PASS or FAIL that depends on it into "inconclusive"). With 2 cores and libtorch's 2
/// OpenMP threads, a single busy foreign process slows a training epoch several-fold (a descheduled OpenMP
/// thread stalls every parallel region), so contended samples say nothing about our code.
/// </summary>
internal static class Contention
{
    /// <summary>Samples during which other processes used more than this many cores on average are retried.</summary>
    public static double MaxForeignCores { get; set; } = 0.15;

    /// <summary>Attempts per sample before the contended sample is kept (and flagged).</summary>
    public static int MaxAttempts { get; set; } = 4;

    private static readonly List<string> Log = new();

    public static IReadOnlyList<string> Events => Log;

    private readonly record struct Snapshot(long Busy, long Own, long Timestamp);

    private static Snapshot Take()
    {
        long busy = 0, own = 0;
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // user nice system idle iowait irq softirq steal
            busy = long.Parse(cpu[1]) + long.Parse(cpu[2]) + long.Parse(cpu[3]) + long.Parse(cpu[6]) + long.Parse(cpu[7]) + long.Parse(cpu[8]);
            var self = File.ReadAllText("/proc/self/stat");
            var fields = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            // utime, stime, cutime, cstime (fields 14-17 of the full line): this process and the children it waited for.
            own = long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            // Not Linux: no measurement; every sample counts as uncontended.
        }
        return new Snapshot(busy, own, Stopwatch.GetTimestamp());
    }

    /// <summary>Whether other processes used more than <see cref="MaxForeignCores"/> during a sample.</summary>
    public static bool IsContended(double foreignCores) => foreignCores > MaxForeignCores;

    /// <summary>Average number of cores other processes used since <paramref name="start"/>.</summary>
    private static double ForeignCores(Snapshot start, Snapshot end)
    {
        var seconds = (end.Timestamp - start.Timestamp) / (double)Stopwatch.Frequency;
        if (seconds <= 0 || end.Busy == 0)
            return 0;
        const double ticksPerSecond = 100; // USER_HZ
        return Math.Max(0, (end.Busy - start.Busy - (end.Own - start.Own)) / ticksPerSecond / seconds);
    }

    /// <summary>
    /// Runs <paramref name="sample"/>, and again (after waiting for a quiet machine) while others used CPU meanwhile;
    /// returns the value and the cores others used during it (contended when <see cref="IsContended"/>).
    /// </summary>
    public static (T Value, double ForeignCores) Sample<T>(string what, Func<T> sample)
    {
        for (var attempt = 1; ; attempt++)
        {
            var start = Take();
            var value = sample();
            var foreign = ForeignCores(start, Take());
            if (!IsContended(foreign) || attempt >= MaxAttempts)
            {
                if (IsContended(foreign))
                    Record($"{what}: CONTENDED sample kept and flagged after {attempt} attempts (other processes used {foreign:F2} cores)");
                else if (attempt > 1)
                    Record($"{what}: accepted attempt {attempt} (other processes used {foreign:F2} cores)");
                return (value, foreign);
            }
            Console.WriteLine($"    [{what}: other processes used {foreign:F2} cores during the sample; waiting for a quiet machine and retrying]");
            (value as IDisposable)?.Dispose();
            WaitForQuiet();
        }
    }

    /// <summary>Waits until other processes use less than <see cref="MaxForeignCores"/> for 3 consecutive seconds (at most 3 minutes).</summary>
    public static void WaitForQuiet()
    {
        var deadline = Stopwatch.StartNew();
        var quietSeconds = 0;
        while (quietSeconds < 3 && deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            var start = Take();
            Thread.Sleep(1000);
            quietSeconds = ForeignCores(start, Take()) <= MaxForeignCores ? quietSeconds + 1 : 0;
        }
    }

    private static void Record(string message)
    {
        Log.Add(message);
        Console.WriteLine($"    [{message}]");
    }
}
