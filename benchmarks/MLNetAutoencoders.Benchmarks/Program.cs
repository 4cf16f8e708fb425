// Benchmarks of the canonical FMNIST-MLP-32 autoencoder (see ../README.md for the method and the figures).
//
//   dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- <command> [options]
using MLNetAutoencoders.Benchmarks;
using MLNetAutoencoders.Native;
using TorchSharp;

const string Usage = """
    Usage: MLNetAutoencoders.Benchmarks <command> [options]
    Commands (each writes benchmarks/results/<command>.json; the defaults are the README's figures):
      speed     Fit vs a raw TorchSharp loop and the PyTorch script, Transform vs a raw batched encoder,
                PredictionEngine single-row latency vs a raw single-row forward; paired repeats
      quality   per seed: AE-32 test MSE and AE-2 5-NN accuracy vs PyTorch (same run, same seeds), ML.NET PCA-2
      memory    score 1M rows (the test set repeated 100x, streamed): working set / private bytes growth
      profile   time split of the training loop's and Transform's steps (ours vs raw)
      all       memory, speed, quality with their defaults
      anomaly   <fmnist|tabular|suite|throughput|all> [options]: anomaly detectors (AnomalyBenchmark.cs; anomaly --help)
      sampler   [options]: VAE sampler generation vs a raw decoder forward (SamplerBenchmark.cs; sampler --help)
      soak      [options]: 30 epochs then 1M rows scored, memory and live tensors (SoakBenchmark.cs; soak --help)
      streaming [options]: training beyond memory (issue 16): peak memory over 10M generated rows, streaming vs
                in-memory throughput and quality, a multi-GB CSV through TextLoader, 1 vs 2 threads (streaming --help)
      readme    rewrite the generated blocks of README.md and benchmarks/README.md from the results files
    Options of speed, quality, memory, profile, all:
      --epochs N    speed/profile: epochs per Fit (default 3; throughput counts epochs 2..N); quality: default 20
      --repeats N   speed: paired repeats (default 5; fewer give no PASS/FAIL)
      --seeds N     quality: seeds 1..N, ours and PyTorch alike (default 3; fewer give no PASS/FAIL)
      --rows N      the first N training rows, ours and PyTorch alike (default: all 60,000)
      --threads N   torch.set_num_threads (default 2, the canonical setting; the PyTorch script uses 2)
      --attempts N  tries per timed sample while other processes use the CPU (default 4); then it is kept, flagged
      --results DIR where the JSON goes (default: benchmarks/results of this repository)
      --scoring-only  speed: Transform, PredictionEngine and ONNX Runtime rows only (ours fitted once per repeat;
                    no raw training loop, no PyTorch script, so no Python needed)
      --network mlp|conv  speed, quality: the network measured (default mlp, FMNIST-MLP-32: results/<command>.json);
                    conv: the convolutional autoencoder (1 x 28 x 28, channels 32, 64) -> results/<command>-conv.json,
                    with the targets of issue 15 (quality: vs PyTorch's conv network and our MLP of the same run)
      --maps        quality --network conv: the 2-D maps (ours conv and MLP AE-2, 5-NN) -> results/quality-conv-maps.json;
                    without it the 32-D part (vs PyTorch and our MLP) -> results/quality-conv.json
      --map-epochs N  quality --network conv --maps: epochs of both 2-D maps (default 50)
      --channels A,B  quality --network conv (32-D part): other stages than 32, 64, ours and PyTorch's alike
                    -> results/quality-conv-A-B.json. Every quality --network conv run (32-D part) keeps each finished
                    seed in results/seeds/ and reuses it in a later run of the same settings and code (src/ and
                    benchmarks/reference/ unchanged and committed): a run stopped between seeds goes on from there
      --verbose     print every epoch
    A missing reference (Python, torch, scikit-learn, the full Fashion-MNIST) is an error: exit code 1.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    switch (args[0])
    {
        case "anomaly":
            AnomalyBenchmark.Run(args[1..]);
            return 0;
        case "sampler":
            return SamplerBenchmark.Run(args[1..]);
        case "soak":
            return SoakBenchmark.Run(args[1..]);
        case "streaming":
            return StreamingBenchmark.Run(args[1..]);
        case StreamingChild.Command:
            return StreamingChild.Run(args[1..]);
        case "readme":
            var changed = ReadmeBlocks.Rewrite(RepositoryPaths.Root);
            Console.WriteLine(changed.Count == 0 ? "README blocks already match the results files." : "Rewritten: " + string.Join(", ", changed));
            return 0;
    }

    int? epochs = null, rows = null;
    int repeats = 5, seeds = 3, threads = 2;
    var verbose = false;
    var network = BenchmarkNetwork.Mlp;
    var scoringOnly = false;
    var maps = false;
    int? mapEpochs = null;
    int[]? channels = null;
    string? results = null;
    for (var i = 1; i < args.Length; i++)
    {
        int Next() => i + 1 < args.Length ? int.Parse(args[++i]) : throw new ArgumentException($"Missing value after {args[i]}.");
        switch (args[i])
        {
            case "--epochs": epochs = Next(); break;
            case "--repeats": repeats = Next(); break;
            case "--seeds": seeds = Next(); break;
            case "--rows": rows = Next(); break;
            case "--threads": threads = Next(); break;
            case "--attempts": Contention.MaxAttempts = Next(); break;
            case "--results": results = i + 1 < args.Length ? args[++i] : throw new ArgumentException("Missing value after --results."); break;
            case "--network": network = BenchmarkNetwork.Parse(i + 1 < args.Length ? args[++i] : throw new ArgumentException("Missing value after --network.")); break;
            case "--verbose": verbose = true; break;
            case "--scoring-only": scoringOnly = true; break;
            case "--map-epochs": mapEpochs = Next(); break;
            case "--maps": maps = true; break;
            case "--channels":
                channels = i + 1 < args.Length
                    ? args[++i].Split(',').Select(c => int.TryParse(c, out var size) ? size : throw new ArgumentException($"--channels takes sizes like 64,128, not '{args[i]}'.")).ToArray()
                    : throw new ArgumentException("Missing value after --channels.");
                break;
            default:
                Console.Error.WriteLine($"Unknown option {args[i]}.\n{Usage}");
                return 2;
        }
    }
    string[] commands = args[0] == "all" ? ["memory", "speed", "quality"] : [args[0]];
    if (commands.Any(c => c is not ("speed" or "quality" or "memory" or "profile")))
    {
        Console.Error.WriteLine($"Unknown command {args[0]}.\n{Usage}");
        return 2;
    }
    if (maps && !(network.IsConvolutional && commands.SequenceEqual(["quality"])))
    {
        Console.Error.WriteLine($"--maps applies to quality --network conv only.\n{Usage}");
        return 2;
    }
    if (channels is not null)
    {
        if (!(network.IsConvolutional && commands.SequenceEqual(["quality"]) && !maps))
        {
            Console.Error.WriteLine($"--channels applies to quality --network conv (the 32-D part) only.\n{Usage}");
            return 2;
        }
        network = network.WithChannels(channels);
    }
    if (network.IsConvolutional && commands.Any(c => c is not ("speed" or "quality")))
    {
        Console.Error.WriteLine($"--network {network.Name} applies to speed and quality only.\n{Usage}");
        return 2;
    }

    TorchRuntime.EnsureLoaded();
    // The canonical setting, for our code and the raw loops alike (they share the process).
    torch.set_num_threads(threads);
    Console.WriteLine($"torch.set_num_threads({threads}): get_num_threads() = {torch.get_num_threads()}, interop threads = {torch.get_num_interop_threads()}, " +
                      $"{Environment.ProcessorCount} logical cores, load average {RunRecord.LoadAverage()}");
    var data = BenchmarkData.Load(rows);
    foreach (var name in commands)
    {
        var report = new Report(network.ResultsName(name) + (maps ? "-maps" : ""), args);
        switch (name)
        {
            case "speed": SpeedBenchmark.Run(data, epochs ?? 3, repeats, verbose, report, scoringOnly, network); break;
            case "quality":
                if (maps)
                    QualityBenchmark.RunConvolutionalMaps(data, mapEpochs ?? BenchmarkNetwork.MapEpochs, seeds, verbose, report);
                else if (network.IsConvolutional)
                    QualityBenchmark.RunConvolutional(data, network, epochs ?? 20, seeds, verbose, report, results ?? RepositoryPaths.Results);
                else
                    QualityBenchmark.Run(data, epochs ?? 20, seeds, verbose, report);
                break;
            case "memory": MemoryBenchmark.Run(data, report); break;
            default:
                ProfileBenchmark.Run(data, epochs ?? 3, report);
                TransformProfile.Run(data, report);
                break;
        }
        report.Finish(results ?? RepositoryPaths.Results);
    }
    return 0;
}
catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or TimeoutException or ArgumentException)
{
    // No figure without its reference: a missing Python, module or data set ends the run without results.
    Console.Error.WriteLine($"ERROR: {ex.Message}");
    for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        Console.Error.WriteLine($"  caused by {inner.GetType().Name}: {inner.Message}");
    return 1;
}
