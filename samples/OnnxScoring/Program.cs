// OnnxScoring: serves an autoencoder exported to ONNX, in an app that references only Microsoft.ML,
// Microsoft.ML.OnnxTransformer and Microsoft.ML.OnnxRuntime (no TorchSharp, no MLNetAutoencoders).
//
//   dotnet run -c Release --project samples/QuickStart -- --export-onnx DIR/fashion-mnist-autoencoder.onnx
//   dotnet run -c Release --project samples/OnnxScoring -- DIR/fashion-mnist-autoencoder.onnx [--calls N]
//
// 1. Reads the rows written beside the model (DIR/fashion-mnist-autoencoder.rows.csv: Label, then the features).
// 2. Scores them with mlContext.Transforms.ApplyOnnxModel(model) and prints a few embeddings and errors.
// 3. Reports this app's output folder size, single-row latency (PredictionEngine) and batch throughput (a cursor).
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNetAutoencoders.Samples.OnnxScoring;

const int WarmUpCalls = 200;
const int ThroughputPasses = 5;

if (!ScoringArguments.TryParse(args, out var arguments, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(ScoringArguments.Usage);
    return error is null ? 0 : 2;
}

var mlContext = new MLContext(seed: 1);
var rowsPath = RowsFile.PathBeside(arguments.ModelPath);
if (!File.Exists(rowsPath))
{
    Console.Error.WriteLine($"Rows file '{rowsPath}' not found: export with samples/QuickStart --export-onnx, which writes it beside the model.");
    return 2;
}
var (rows, featureCount) = RowsFile.Load(mlContext, rowsPath);
using var scorer = new OnnxModelScorer(mlContext, arguments.ModelPath, featureCount);

// 1-2. Batch scoring: the ONNX pipeline is an ordinary ML.NET transform.
var scored = scorer.Transform(rows);
var labels = rows.GetColumn<float>("Label").ToArray();
var firstRows = mlContext.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false).Take(5).ToArray();
Console.WriteLine($"Model: {arguments.ModelPath} ({new FileInfo(arguments.ModelPath).Length:N0} bytes), ONNX Runtime {OrtEnv.Instance().GetVersionString()}");
Console.WriteLine($"Rows:  {rowsPath} ({labels.Length:N0} rows of {featureCount} features)");
Console.WriteLine();
Console.WriteLine("First rows (label, embedding's first 6 of its values, reconstruction error):");
for (var i = 0; i < firstRows.Length; i++)
{
    var embedding = firstRows[i].Embedding;
    Console.WriteLine($"  {labels[i],2}  [{string.Join(", ", embedding.Take(6).Select(v => v.ToString("F3")))}{(embedding.Length > 6 ? $", ... ({embedding.Length})" : "")}]" +
                      $"  error {firstRows[i].ReconstructionError[0]:F5}");
}

// 3. Measurements.
var folder = OutputFolder.Measure(AppContext.BaseDirectory);

var inputs = mlContext.Data.CreateEnumerable<FeaturesRow>(rows, reuseRowObject: false, schemaDefinition: scorer.InputSchema).ToArray();
var engine = scorer.CreatePredictionEngine();
var latency = Timing.SingleRowLatency(engine, inputs, WarmUpCalls, arguments.Calls);

var cached = mlContext.Data.Cache(rows);
var throughput = Timing.BatchThroughput(() => scorer.Transform(cached), ThroughputPasses);

Console.WriteLine();
Console.WriteLine("| OnnxScoring                  | value |");
Console.WriteLine("|------------------------------|-------|");
Console.WriteLine($"| references                   | Microsoft.ML, Microsoft.ML.OnnxTransformer, Microsoft.ML.OnnxRuntime |");
Console.WriteLine($"| output folder                | {folder.Megabytes:F1} MB in {folder.Files} files ({AppContext.BaseDirectory}) |");
Console.WriteLine($"| largest files                | {string.Join(", ", folder.Largest.Select(f => $"{f.Name} {f.Megabytes:F1} MB"))} |");
Console.WriteLine($"| single-row latency           | median {latency.Median * 1e3:F1} µs, min–max {latency.Min * 1e3:F1}–{latency.Max * 1e3:F1} µs " +
                  $"({arguments.Calls:N0} PredictionEngine.Predict calls after {WarmUpCalls} warm-up) |");
Console.WriteLine($"| batch throughput             | median {throughput.Median:N0} rows/s, min–max {throughput.Min:N0}–{throughput.Max:N0} " +
                  $"({ThroughputPasses} cursor passes over {throughput.RowsPerPass:N0} cached rows, all output columns read) |");
Console.WriteLine($"| machine                      | {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, .NET {Environment.Version}{LoadAverage()} |");
return 0;

// Other processes inflate the timings: Linux's 1-minute load average says how busy the machine was.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? $", load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (1 min)" : "";
