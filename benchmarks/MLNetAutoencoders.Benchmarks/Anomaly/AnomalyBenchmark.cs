using MLNetAutoencoders.Native;
using TorchSharp;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The autoencoder anomaly detector against ML.NET's RandomizedPca and scikit-learn's IsolationForest, PCA
/// reconstruction error and kNN distance, all measured in the same run on the same matrices and scored by one
/// function (ROC-AUC, average precision):
/// <list type="bullet">
/// <item><c>fmnist</c>: Fashion-MNIST one-class, ten classes (<see cref="FashionMnistOneClass"/>).</item>
/// <item><c>tabular</c>: Wisconsin breast cancer, five splits (<see cref="BreastCancerSplits"/>).</item>
/// <item><c>suite</c>: eleven tables, unsupervised (fit on all rows, score the same rows), five seeds (<see cref="AnomalySuite"/>).</item>
/// <item><c>throughput</c>: scoring rows/s against the embedding transform (<see cref="ScoringThroughput"/>).</item>
/// </list>
/// A missing Python, scikit-learn or data set is an error (non-zero exit), never a skipped reference.
/// </summary>
public static class AnomalyBenchmark
{
    /// <summary>Runs the benchmark named by <c>args[0]</c> with the options that follow.</summary>
    public static void Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(AnomalySettings.Usage);
            return;
        }
        var settings = AnomalySettings.Parse(args);
        TorchRuntime.EnsureLoaded();
        if (settings.Threads is { } threads)
            torch.set_num_threads(threads);
#if DEBUG
        Console.WriteLine("WARNING: a Debug build; run with -c Release for figures worth reporting.");
#endif
        Console.WriteLine($"anomaly {string.Join(' ', args)}: torch threads {torch.get_num_threads()}, {Environment.ProcessorCount} logical cores, " +
                          $"load average {RunRecord.LoadAverage()}, detector {settings.Describe()}, seeds {string.Join(',', settings.Seeds)}");
        switch (args[0])
        {
            case "fmnist": FashionMnistOneClass.Run(settings); break;
            case "tabular": BreastCancerSplits.Run(settings); break;
            case "suite": AnomalySuite.Run(settings); break;
            case "throughput": ScoringThroughput.Run(settings); break;
            case "all":
                FashionMnistOneClass.Run(settings);
                BreastCancerSplits.Run(settings);
                ScoringThroughput.Run(settings);
                break;
            default: throw new ArgumentException($"Unknown anomaly benchmark '{args[0]}'.\n{AnomalySettings.Usage}");
        }
    }
}
