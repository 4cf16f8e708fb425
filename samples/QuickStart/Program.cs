// QuickStart: an autoencoder as an ML.NET transform, compared with ML.NET's PCA at the same dimension.
//
//   dotnet run --project samples/QuickStart [-- [--epochs N] [--rows N] [--output DIR] [--embedded] [--export-onnx PATH]]
//
// 1. Loads Fashion-MNIST: the full set (60,000 + 10,000 images) when the Debian package
//    dataset-fashion-mnist is installed, else the subset embedded in MLNetAutoencoders.SampleData.
// 2. Trains mlContext.Transforms.Autoencoder(...) 784-512-256-32 (mirrored decoder, sigmoid output).
// 3. Trains mlContext.Transforms.ProjectToPrincipalComponents(rank 32) and reconstructs from its projection
//    (see PcaReconstruction.cs: ML.NET exposes no eigenvectors, so a least-squares linear decoder is fitted).
// 4. Compares both test reconstruction MSEs, saves the model zip, reloads it with a new MLContext and
//    checks that the reloaded model yields identical embeddings.
// 5. With --export-onnx PATH: converts the autoencoder to ONNX (mlContext.Model.ConvertToOnnx) and writes test rows
//    beside it, for samples/OnnxScoring, which scores them with ML.NET + ONNX Runtime only (no TorchSharp).
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders;
using MLNetAutoencoders.QuickStart;
using MLNetAutoencoders.SampleData;

const int LatentDimension = 32;
// ~3.5 s per epoch over 60,000 rows on 2 idle cores (~18,000 samples/s), so 20 epochs (the PyTorch reference's
// count) take ~70 s and the whole run ~1.5 minutes. The embedded subset (5,000 rows) needs more passes to get
// comparable updates: 100 epochs there take ~25 s (and beat PCA-32 by ~13%; 50 epochs only tie with it).
const int DefaultEpochsFullSet = 20;
const int DefaultEpochsSubset = 100;

if (!QuickStartArguments.TryParse(args, out var arguments, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(QuickStartArguments.Usage);
    return error is null ? 0 : 2;
}

var total = Stopwatch.StartNew();
var mlContext = new MLContext(seed: 1);

// 1. Data: pixels are already in [0, 1], so no normalizer is needed in front of the autoencoder.
var trainSplit = arguments.Embedded
    ? FashionMnist.LoadEmbedded(FashionMnistSplitName.Train, arguments.Rows)
    : FashionMnist.Load(FashionMnistSplitName.Train, arguments.Rows);
var testSplit = arguments.Embedded ? FashionMnist.LoadEmbedded(FashionMnistSplitName.Test) : FashionMnist.Load(FashionMnistSplitName.Test);
var dataKind = trainSplit.IsEmbeddedSubset ? "embedded subset" : "full dataset";
Console.WriteLine($"Data: {dataKind}. {(arguments.Embedded ? "--embedded: the subset embedded in MLNetAutoencoders.SampleData" : FashionMnist.Source)}");
Console.WriteLine($"  train: {trainSplit.Source}");
Console.WriteLine($"  test:  {testSplit.Source}");
var train = trainSplit.ToDataView(mlContext);
var test = testSplit.ToDataView(mlContext);
var epochs = arguments.Epochs ?? (trainSplit.IsEmbeddedSubset ? DefaultEpochsSubset : DefaultEpochsFullSet);

// 2. The autoencoder.
var options = new AutoencoderOptions
{
    InputColumnName = "Features",
    OutputColumnName = "Embedding",
    LatentDimension = LatentDimension,
    HiddenLayerSizes = [512, 256],
    HiddenActivation = Activation.Relu,
    OutputActivation = Activation.Sigmoid,
    Loss = ReconstructionLoss.MeanSquaredError,
    NumberOfEpochs = epochs,
    BatchSize = 256,
    LearningRate = 1e-3,
    Seed = 1,
    Progress = new ConsoleProgress(),
};
Console.WriteLine();
Console.WriteLine($"Training autoencoder 784 -> [512, 256] -> {LatentDimension} (mirrored decoder, sigmoid output) " +
                  $"on {trainSplit.Count:N0} rows for {epochs} epochs (batch {options.BatchSize}, Adam {options.LearningRate})...");
var clock = Stopwatch.StartNew();
using var autoencoder = mlContext.Transforms.Autoencoder(options).Fit(train);
var trainTime = clock.Elapsed;

// ReconstructionError is the per-row mean squared error; its mean over rows is the test MSE.
var scoredTest = autoencoder.Transform(test);
var aeTestMse = Columns.ReadScalar(scoredTest, "ReconstructionError").Average(e => (double)e);
var embeddings = Columns.ReadVectors(scoredTest, "Embedding");
Console.WriteLine($"Autoencoder test reconstruction MSE: {aeTestMse:F5}");

// 3. PCA at the same dimension.
Console.WriteLine();
Console.WriteLine($"Training ML.NET ProjectToPrincipalComponents (rank {LatentDimension}) and a linear reconstruction from its projection...");
clock.Restart();
var pca = mlContext.Transforms.ProjectToPrincipalComponents("Pca", "Features", rank: LatentDimension, seed: 1).Fit(train);
var reconstruction = PcaReconstruction.Fit(pca.Transform(train), "Pca", "Features");
var pcaTestMse = reconstruction.MeanSquaredError(pca.Transform(test), "Pca", "Features");
var pcaTime = clock.Elapsed;
Console.WriteLine($"PCA test reconstruction MSE: {pcaTestMse:F5} ({pcaTime.TotalSeconds:F1}s)");

// 4. Save, reload with a fresh MLContext, compare embeddings.
var outputDirectory = Path.GetFullPath(arguments.OutputDirectory ?? Path.Combine(Path.GetTempPath(), "mlnet-autoencoders-quickstart"));
Directory.CreateDirectory(outputDirectory);
var modelPath = Path.Combine(outputDirectory, "fashion-mnist-autoencoder.zip");
mlContext.Model.Save(autoencoder, train.Schema, modelPath);
var zipBytes = new FileInfo(modelPath).Length;

var reloadContext = new MLContext(seed: 2);
var reloaded = reloadContext.Model.Load(modelPath, out _);
float[][] reloadedEmbeddings;
try
{
    reloadedEmbeddings = Columns.ReadVectors(reloaded.Transform(test), "Embedding");
}
finally
{
    (reloaded as IDisposable)?.Dispose();
}
var maxDifference = embeddings.Zip(reloadedEmbeddings).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));
var identical = reloadedEmbeddings.Length == embeddings.Length && maxDifference == 0f;

// 5. Optional ONNX export.
var onnxRowsPath = arguments.OnnxPath is null ? null : OnnxExport.Export(mlContext, autoencoder, test, arguments.OnnxPath);

// Summary.
var ratio = aeTestMse / pcaTestMse;
Console.WriteLine();
Console.WriteLine("| QuickStart                  | value |");
Console.WriteLine("|-----------------------------|-------|");
Console.WriteLine($"| data source                 | {dataKind} ({(trainSplit.IsEmbeddedSubset ? "embedded in MLNetAutoencoders.SampleData" : FashionMnist.DefaultDirectory)}) |");
Console.WriteLine($"| rows (train / test)         | {trainSplit.Count:N0} / {testSplit.Count:N0} |");
Console.WriteLine($"| epochs                      | {epochs} |");
Console.WriteLine($"| train time                  | {trainTime.TotalSeconds:F1} s ({trainSplit.Count * (double)epochs / trainTime.TotalSeconds:N0} samples/s incl. data loading) |");
Console.WriteLine($"| autoencoder test MSE        | {aeTestMse:F5} |");
Console.WriteLine($"| PCA-{LatentDimension} test MSE (LS decoder) | {pcaTestMse:F5} |");
Console.WriteLine($"| AE / PCA MSE ratio          | {ratio:F3} ({(ratio < 1 ? $"autoencoder error {(1 - ratio) * 100:F0}% lower" : $"autoencoder error {(ratio - 1) * 100:F0}% higher")}) |");
Console.WriteLine($"| model zip                   | {zipBytes / 1024.0 / 1024.0:F2} MB ({zipBytes:N0} bytes), {modelPath} |");
Console.WriteLine($"| reload check                | {(identical ? "identical embeddings" : $"MISMATCH, max |diff| {maxDifference:G3}")} ({reloadedEmbeddings.Length:N0} test rows, fresh MLContext) |");
if (arguments.OnnxPath is not null)
{
    Console.WriteLine($"| ONNX model                  | {new FileInfo(arguments.OnnxPath).Length / 1024.0 / 1024.0:F2} MB, {arguments.OnnxPath} |");
    Console.WriteLine($"| rows for the ONNX scorer    | {OnnxExport.RowCount:N0} test rows, {onnxRowsPath} |");
}
Console.WriteLine($"| total time                  | {total.Elapsed.TotalSeconds:F1} s |");
if (arguments.OnnxPath is not null)
{
    Console.WriteLine();
    Console.WriteLine($"Score it without TorchSharp: dotnet run -c Release --project samples/OnnxScoring -- {arguments.OnnxPath}");
}
return identical ? 0 : 1;
