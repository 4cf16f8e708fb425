using System.Globalization;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>The <c>streaming</c> command line (issue 16): which parts, their sizes, and the shared training settings.</summary>
internal sealed class StreamingSettings
{
    public const string Usage = """
        Usage: streaming [options]   (issue 16: training beyond memory, and threads; writes results/streaming.json)
          --parts a,b         any of memory,throughput,quality,csv,threads (default all, in that order)
          --rows N            memory: rows of the lazily generated view, one epoch streamed (default 10,000,000 = 31 GB as floats)
          --throughput-rows N throughput, threads: rows generated once into memory, trained by both paths (default 200,000)
          --epochs N          throughput, threads: epochs per Fit; samples/s counts epochs 2..N (default 3)
          --repeats N         throughput, threads: paired repeats (default 5, the least for a verdict); throughput
                              runs each side twice per repeat in ABBA order, threads once, order rotating
          --quality-rows N    quality: the first N rows of the lazy view, trained by both paths (default 1,000,000)
          --quality-epochs N  quality: epochs of both paths (default 2)
          --seeds N           quality: seeds 1..N (default 3, the least for a verdict)
          --csv-rows N        csv: rows written to a CSV of ~4.5 kB a row (default 700,000, about 3 GB) in the temp folder
          --pool N            ShufflePoolRows of every streaming Fit (default 65,536: 205 MB of rows)
          --threads N         NumberOfThreads of every Fit but the threads part's (default 2)
          --attempts N        tries per timed sample while other processes use the CPU (default 4; 1 = never retry)
          --results DIR       where streaming.json goes (default: benchmarks/results of this repository)
        The network: the library's default for 784 features (784-256-128-32, ReLU), sigmoid output, MSE, Adam 1e-3,
        batch 256. The memory and csv parts each run in a child process of this program (peak resident memory, VmHWM,
        of that process alone); the CSV is deleted afterwards, and refused when the temp folder's disk lacks the room.
        """;

    public static readonly string[] AllParts = ["memory", "throughput", "quality", "csv", "threads"];

    public string[] Arguments { get; private init; } = [];

    public string[] Parts { get; private set; } = AllParts;

    public long Rows { get; private set; } = 10_000_000;

    public int ThroughputRows { get; private set; } = 200_000;

    public int Epochs { get; private set; } = 3;

    public int Repeats { get; private set; } = 5;

    public int QualityRows { get; private set; } = 1_000_000;

    public int QualityEpochs { get; private set; } = 2;

    public int Seeds { get; private set; } = 3;

    public long CsvRows { get; private set; } = 700_000;

    public int PoolRows { get; private set; } = 65_536;

    public int Threads { get; private set; } = 2;

    public string Results { get; private set; } = RepositoryPaths.Results;

    public bool Runs(string part) => Parts.Contains(part);

    /// <exception cref="ArgumentException">An unknown option or part, a missing or bad value.</exception>
    public static StreamingSettings Parse(string[] args)
    {
        var settings = new StreamingSettings { Arguments = ["streaming", .. args] };
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Missing value after {args[i]}.");
            long Positive()
            {
                var name = args[i];
                var text = Value();
                return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n
                    : throw new ArgumentException($"{name} takes a positive integer, not '{text}'.");
            }
            int PositiveInt()
            {
                var name = args[i];
                var n = Positive();
                return n <= int.MaxValue ? (int)n : throw new ArgumentException($"{name} is at most {int.MaxValue}.");
            }
            switch (args[i])
            {
                case "--parts":
                    var parts = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var unknown = parts.Where(p => !AllParts.Contains(p)).ToArray();
                    if (parts.Length == 0 || unknown.Length > 0)
                        throw new ArgumentException($"--parts takes any of {string.Join(",", AllParts)}; unknown: {string.Join(",", unknown)}.");
                    settings.Parts = AllParts.Where(parts.Contains).ToArray();
                    break;
                case "--rows": settings.Rows = Positive(); break;
                case "--throughput-rows": settings.ThroughputRows = PositiveInt(); break;
                case "--epochs": settings.Epochs = PositiveInt(); break;
                case "--repeats": settings.Repeats = PositiveInt(); break;
                case "--quality-rows": settings.QualityRows = PositiveInt(); break;
                case "--quality-epochs": settings.QualityEpochs = PositiveInt(); break;
                case "--seeds": settings.Seeds = PositiveInt(); break;
                case "--csv-rows": settings.CsvRows = Positive(); break;
                case "--pool": settings.PoolRows = PositiveInt(); break;
                case "--threads": settings.Threads = PositiveInt(); break;
                case "--attempts": Contention.MaxAttempts = PositiveInt(); break;
                case "--results": settings.Results = Value(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}");
            }
        }
        if (settings.Epochs < 2 && (settings.Runs("throughput") || settings.Runs("threads")))
            throw new ArgumentException("--epochs is at least 2: samples/s counts the epochs after the first.");
        return settings;
    }
}
