// Benchmarks of the canonical FMNIST-MLP-32 autoencoder (see ../README.md for commands and measured numbers).
//
//   dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- <speed|memory|quality|profile|all> [options]
using MLNetAutoencoders.Benchmarks;
using MLNetAutoencoders.Native;
using TorchSharp;

const string Usage = """
    Usage: MLNetAutoencoders.Benchmarks <command> [options]
    Commands:
      speed     Fit throughput vs a raw TorchSharp loop, Transform throughput vs a raw batched encoder,
                PredictionEngine single-row latency vs a raw single-row forward
      memory    score 1M rows (the test set repeated 100x, streamed) and track working set / private bytes
      quality   20-epoch test MSE vs the PyTorch reference, 2-D 5-NN accuracy vs the reference and ML.NET PCA-2
      profile   time split of the training loop's steps (ours vs raw)
      anomaly   anomaly detector vs RandomizedPca: fmnist | tabular | throughput | all (own options)
      sampler   VaeSampler Prior generation vs a raw batched decoder forward (own options) and of Transform's scoring steps
      all       memory, speed, quality
      anomaly   <fmnist|tabular|throughput|all> [options]: the anomaly detector vs ML.NET RandomizedPca (AnomalyBenchmark.cs; anomaly --help)
      sampler   [options]: VAE sampler generation throughput vs a raw decoder forward (SamplerBenchmark.cs; sampler --help)
      soak      [options]: 30 epochs then 1M rows scored, memory and live tensors after every epoch / 100k rows (SoakBenchmark.cs; soak --help)
    Options:
      --epochs N    speed/profile: epochs per Fit (default 3; throughput counts epochs after the first)
                    quality: epochs (default 20)
      --repeats N   repeats of each speed measurement; medians are reported (default 3)
      --seeds N     quality: train with seeds 1..N and report medians (default 1)
      --rows N      use only the first N training rows (default: all 60,000)
      --threads N   torch.set_num_threads (default 2, the canonical setting)
      --results DIR where the JSON goes (default: benchmarks/results of this repository)
      --verbose     print every epoch
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

var command = args[0];
// These two parse their own arguments.
switch (command)
{
    case "anomaly":
        AnomalyBenchmark.Run(args[1..]);
        return 0;
    case "sampler":
        SamplerBenchmark.Run(args[1..]);
        return 0;
    case "soak":
        return SoakBenchmark.Run(args[1..]);
}
// Benchmarks with their own options (contributed alongside the canonical ones).
switch (command)
{
    case "anomaly":
        AnomalyBenchmark.Run(args[1..]);
        return 0;
    case "sampler":
        SamplerBenchmark.Run(args[1..]);
        return 0;
}

int? epochs = null;
var repeats = 3;
var seeds = 1;
int? rows = null;
var threads = 2;
var verbose = false;
string? resultsDirectory = null;
for (var i = 1; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Missing value after {args[i]}.");
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--repeats": repeats = int.Parse(Next()); break;
        case "--seeds": seeds = int.Parse(Next()); break;
        case "--rows": rows = int.Parse(Next()); break;
        case "--threads": threads = int.Parse(Next()); break;
        case "--results": resultsDirectory = Next(); break;
        case "--verbose": verbose = true; break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}.\n{Usage}");
            return 2;
    }
}

TorchRuntime.EnsureLoaded();
// The canonical setting, for our code and the raw loops alike (they share the process); the PyTorch
// reference calls torch.set_num_threads(2) too.
torch.set_num_threads(threads);
Console.WriteLine($"torch.set_num_threads({threads}): get_num_threads() = {torch.get_num_threads()}, interop threads = {torch.get_num_interop_threads()}, " +
                  $"{Environment.ProcessorCount} logical cores, load average {Report.LoadAverage()}");
resultsDirectory ??= FindResultsDirectory();
ReferenceResults.Directory = resultsDirectory;

var commands = command == "all" ? ["memory", "speed", "quality"] : new[] { command };
var data = BenchmarkData.Load(rows);
foreach (var name in commands)
{
    var report = new Report(name, args);
    report.Note($"torch.set_num_threads({threads}); torch.get_num_threads() = {torch.get_num_threads()}");
    switch (name)
    {
        case "speed":
            SpeedBenchmark.Run(data, epochs ?? 3, repeats, verbose, report);
            break;
        case "memory":
            MemoryBenchmark.Run(data, report);
            break;
        case "quality":
            QualityBenchmark.Run(data, epochs ?? 20, seeds, verbose, report);
            break;
        case "profile":
            ProfileBenchmark.Run(data, epochs ?? 2, report);
            TransformProfile.Run(data, report);
            break;
        default:
            Console.Error.WriteLine($"Unknown command {name}.\n{Usage}");
            return 2;
    }
    report.Finish(resultsDirectory);
}
return 0;

static string FindResultsDirectory()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "MLNetAutoencoders.sln")))
            return Path.Combine(dir.FullName, "benchmarks", "results");
    return Path.Combine(Environment.CurrentDirectory, "benchmark-results");
}
