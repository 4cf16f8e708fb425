using System.Globalization;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.SampleData;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>The anomaly benchmarks' command line: what to run, seeds, output, and any override of the detector's defaults.</summary>
internal sealed class AnomalySettings
{
    public const string Usage = """
        Usage: anomaly <fmnist|tabular|suite|throughput|all> [options]
          --seeds N           seeds 1..N of the seeded detectors: ours, RandomizedPca, IsolationForest
                              (default 3; suite: 5, each seed also draws the tables)
          --pca-rank N        rank of ML.NET's RandomizedPca and components of scikit-learn's PCA
                              (default 20 for fmnist, 5 for tabular; suite: ceil(features / 4) capped at 20)
          --tables a,b        suite: only these tables (default all but large; names in anomaly_tables.py)
          --large             suite: only the 50,000 x 10 table (fit time against the 30 s goal) -> anomaly-suite-large.json
          --classes 0,1,...   fmnist: the normal classes to run (default all ten)
          --train-rows N      fmnist: only the class's first N training images (smoke tests; default all 6,000)
          --test-rows N       fmnist: only the first N test images (smoke tests; default all 10,000)
          --image C,H,W       fmnist: the convolutional detector's ImageShape (default 1,28,28; C x H x W = 784), and the
                              detector overrides below go to it instead of the MLP detector (a sweep: custom file)
          --rows N            throughput: rows scored per sample (default 50,000: the test set repeated)
          --repeats N         throughput: paired repeats (default 5, the least for a verdict)
          --sample-attempts N throughput: attempts per sample while other processes use the CPU (default 4; 1 = never retry)
          --threads N         torch.set_num_threads (default: leave as set)
          --results DIR       where anomaly-*.json go (default: benchmarks/results of this repository)
        Detector overrides (default: the detector's defaults; reported results use none):
          --kind K  --latent N  --hidden a,b  --channels a,b (with --image)  --epochs N  --batch N  --lr X  --standardize  --no-standardize  --vae-score S  --no-density  --density-rows N
          --no-structure (an image detector scores the squared error alone, without the structural dissimilarity)
        fmnist runs two detectors of ours: the MLP one (the defaults) and the convolutional one (the defaults with
        ImageShape 1 x 28 x 28); the overrides apply to the MLP detector, or with --image to the convolutional one,
        the other running at its defaults as the same-run baseline.
        Runs with restricted classes, rows or tables, fewer than 3 seeds (suite: 5), fewer than 5 repeats, a --pca-rank
        (suite), --image or overrides write anomaly-*-custom.json.
        scikit-learn's detectors run in the same run: /usr/bin/python3 with python3-sklearn (sklearn_detectors.py).
        """;

    /// <summary>kNN distance: the distance to the k-th nearest training row.</summary>
    public const int NearestNeighbours = 5;

    private readonly List<Action<AutoencoderAnomalyOptions>> overrides = [];
    private readonly List<string> overrideNames = [];

    public string[] Arguments { get; private init; } = [];

    public int[] Classes { get; private set; } = Enumerable.Range(0, FashionMnist.ClassCount).ToArray();

    public int[] Seeds { get; private set; } = [1, 2, 3];

    public int? PcaRank { get; private set; }

    /// <summary>suite: the tables asked for with --tables (null: the suite's default set).</summary>
    public string[]? Tables { get; private set; }

    /// <summary>suite: the large table only.</summary>
    public bool Large { get; private set; }

    public int? TrainRows { get; private set; }

    public int? TestRows { get; private set; }

    public int Rows { get; private set; } = 50_000;

    public int Repeats { get; private set; } = 5;

    public int? SampleAttempts { get; private set; }

    public int? Threads { get; private set; }

    public string Results { get; private set; } = RepositoryPaths.Results;

    /// <summary>fmnist: the convolutional detector's shape from --image (null: the default, 1 x 28 x 28, and the overrides go to the MLP detector).</summary>
    public ImageShape? Image { get; private set; }

    public bool HasOverrides => overrides.Count > 0;

    /// <summary>The convolutional detector's image shape when --image is not given: one Fashion-MNIST image.</summary>
    public static ImageShape DefaultImage => new(1, 28, 28);

    public static AnomalySettings Parse(string[] args)
    {
        var s = new AnomalySettings { Arguments = args };
        if (args.Length > 0 && args[0] == "suite")
            s.Seeds = [1, 2, 3, 4, 5];
        for (var i = 1; i < args.Length; i++)
        {
            var option = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Missing value after {option}.\n{Usage}");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (option)
            {
                case "--seeds": s.Seeds = Enumerable.Range(1, Positive(option, NextInt())).ToArray(); break;
                case "--pca-rank": s.PcaRank = Positive(option, NextInt()); break;
                case "--tables": s.Tables = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--large": s.Large = true; break;
                case "--classes": s.Classes = Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--train-rows": s.TrainRows = Positive(option, NextInt()); break;
                case "--test-rows": s.TestRows = Positive(option, NextInt()); break;
                case "--rows": s.Rows = Positive(option, NextInt()); break;
                case "--repeats": s.Repeats = Positive(option, NextInt()); break;
                case "--sample-attempts": s.SampleAttempts = Positive(option, NextInt()); break;
                case "--threads": s.Threads = Positive(option, NextInt()); break;
                case "--results": s.Results = Next(); break;
                case "--image": s.Image = ParseImage(option, Next()); break;
                case "--kind": s.Override(option, Enum.Parse<AutoencoderKind>(Next(), ignoreCase: true), (o, v) => o.Autoencoder.Kind = v); break;
                case "--latent": s.Override(option, NextInt(), (o, v) => o.Autoencoder.LatentDimension = v); break;
                case "--no-density": s.Override(option, false, (o, v) => o.ScoreCodeDensity = v); break;
                case "--no-structure": s.Override(option, false, (o, v) => o.ScoreStructuralDissimilarity = v); break;
                case "--density-rows": s.Override(option, int.Parse(Next(), CultureInfo.InvariantCulture), (o, v) => o.CodeDensityReferenceRows = v); break;
                case "--channels": s.Override(option, Next().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(), (o, v) => o.Autoencoder.ConvolutionChannels = v); break;
                case "--hidden": s.Override(option, Next().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(), (o, v) => o.Autoencoder.HiddenLayerSizes = v); break;
                case "--epochs": s.Override(option, NextInt(), (o, v) => o.Autoencoder.NumberOfEpochs = v); break;
                case "--batch": s.Override(option, NextInt(), (o, v) => o.Autoencoder.BatchSize = v); break;
                case "--lr": s.Override(option, double.Parse(Next(), CultureInfo.InvariantCulture), (o, v) => o.Autoencoder.LearningRate = v); break;
                case "--no-standardize": s.Override(option, false, (o, v) => o.Standardize = v); break;
                case "--standardize": s.Override(option, true, (o, v) => o.Standardize = v); break;
                case "--vae-score": s.Override(option, Enum.Parse<VaeAnomalyScore>(Next(), ignoreCase: true), (o, v) => o.VaeScore = v); break;
                default: throw new ArgumentException($"Unknown option {option}.\n{Usage}");
            }
        }
        if (s.Image is null && s.overrideNames.Any(n => n.StartsWith("--channels", StringComparison.Ordinal)))
            throw new ArgumentException($"--channels overrides the convolutional detector's stages: it needs --image (the MLP detector has none).\n{Usage}");
        if (s.Image is not null && args[0] != "fmnist")
            throw new ArgumentException($"--image applies to 'anomaly fmnist' only (the convolutional detector runs there).\n{Usage}");
        return s;
    }

    /// <summary>The arguments with the benchmark name replaced by <paramref name="benchmark"/> (for <c>all</c>), after "anomaly".</summary>
    public string[] CommandFor(string benchmark) => ["anomaly", benchmark, .. Arguments.Skip(1)];

    /// <summary>The (MLP) detector's default options with <paramref name="seed"/>, and the overrides unless they go to the convolutional detector (--image).</summary>
    public AutoencoderAnomalyOptions Detector(int seed) => Options(seed, image: null, withOverrides: Image is null);

    /// <summary>
    /// The convolutional detector: the detector's defaults with <paramref name="seed"/> and the image shape (--image, else
    /// 1 x 28 x 28), its dense layers and code size left automatic, and the overrides when --image was given.
    /// </summary>
    public AutoencoderAnomalyOptions ConvolutionalDetector(int seed) => Options(seed, Image ?? DefaultImage, withOverrides: Image is not null);

    /// <summary>"autoencoder detector, defaults", or the overrides it ran with.</summary>
    public string DetectorName => "autoencoder detector, " + (Image is null && overrides.Count > 0 ? "overrides " + string.Join(' ', overrideNames) : "defaults");

    /// <summary>"autoencoder detector, convolutional", with the image shape and the overrides of a sweep (--image).</summary>
    public string ConvolutionalDetectorName => "autoencoder detector, convolutional" +
        (Image is null ? "" : $" {Image.Channels}x{Image.Height}x{Image.Width}" + (overrides.Count == 0 ? "" : ", overrides " + string.Join(' ', overrideNames)));

    /// <summary>The detector's settings, e.g. "defaults: Undercomplete 256-128-8, Relu, 20 epochs, …".</summary>
    public string Describe() => Describe(Detector(Seeds[0]), overridden: Image is null && overrides.Count > 0);

    /// <summary>The convolutional detector's settings, e.g. "defaults: 1 x 28 x 28, convolutions 32-64, Undercomplete auto-auto, …".</summary>
    public string DescribeConvolutional() => Describe(ConvolutionalDetector(Seeds[0]), overridden: Image is not null && overrides.Count > 0);

    private AutoencoderAnomalyOptions Options(int seed, ImageShape? image, bool withOverrides)
    {
        var options = new AutoencoderAnomalyOptions();
        options.Autoencoder.Seed = seed;
        options.Autoencoder.ImageShape = image;
        if (withOverrides)
            foreach (var apply in overrides)
                apply(options);
        return options;
    }

    private string Describe(AutoencoderAnomalyOptions o, bool overridden)
    {
        var a = o.Autoencoder;
        static string Auto(int value) => value == 0 ? "auto" : value.ToString(CultureInfo.InvariantCulture);
        var hidden = a.HiddenLayerSizes is null ? "auto" : string.Join('-', a.HiddenLayerSizes);
        var image = a.ImageShape is null ? "" : $"{a.ImageShape}, convolutions {string.Join('-', a.ConvolutionChannels)}, then ";
        return $"{(overridden ? "OVERRIDES " + string.Join(' ', overrideNames) : "defaults")}: {image}{a.Kind} {hidden}-{Auto(a.LatentDimension)}, " +
               string.Create(CultureInfo.InvariantCulture, $"{a.HiddenActivation}, {Auto(a.NumberOfEpochs)} epochs, batch {Auto(a.BatchSize)}, lr {a.LearningRate}, standardize {o.Standardize?.ToString() ?? "auto"}, ") +
               (a.ImageShape is null ? "" : $"structural dissimilarity {(o.ScoreStructuralDissimilarity?.ToString() ?? "auto")}, ") +
               string.Create(CultureInfo.InvariantCulture, $"code density {(o.ScoreCodeDensity ? $"on ({o.CodeDensityReferenceRows} reference rows)" : "off")}, contamination {o.Contamination}");
    }

    /// <summary>
    /// <paramref name="name"/>, or <paramref name="name"/>-custom when the run is not the reported protocol
    /// (<paramref name="reportable"/> false or detector overrides), so a smoke run never replaces a reported file.
    /// </summary>
    public string FileName(string name, bool reportable) => reportable && overrides.Count == 0 && Image is null ? name : name + "-custom";

    private void Override<T>(string name, T value, Action<AutoencoderAnomalyOptions, T> apply)
    {
        overrides.Add(o => apply(o, value));
        overrideNames.Add(value is bool ? name : string.Create(CultureInfo.InvariantCulture, $"{name} {(value is int[] a ? string.Join(',', a) : value)}"));
    }

    private static ImageShape ParseImage(string option, string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new ArgumentException($"{option} takes channels,height,width (e.g. 1,28,28); got '{value}'.");
        var v = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new ImageShape(v[0], v[1], v[2]);
    }

    private static int Positive(string option, int value) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(option, value, $"{option} must be positive.");

}
