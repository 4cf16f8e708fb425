using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// Writes one exported pipeline for a second ONNX runtime: <c>artifacts/onnx-check/model.onnx</c> and
/// <c>check.json</c> (the rows fed, and the outputs ML.NET and TorchSharp gave for them). CI then scores the file with
/// onnxruntime-node (build/Onnx/score-with-onnxruntime-node.mjs), which fails beyond 1e-4 relative.
/// </summary>
public class SecondRuntimeCheckFileTests(ITestOutputHelper output)
{
    public static string Folder => Infrastructure.Repository.Path("artifacts/onnx-check");

    [Fact]
    public void TheCheckFolderHoldsAnExportedKSparseKMeansChainWithItsRowsAndTorchSharpsOutputs()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(64, seed: 4));
        // Normalizer (ai.onnx.ml Scaler), k-sparse with GELU (Gemm, Erf, TopK, ScatterElements) and KMeans: the widest
        // set of operators one small chain writes.
        var model = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Transforms.Autoencoder(OnnxExportTests.SmallOptions(AutoencoderKind.KSparse, Activation.Gelu, null, Activation.Identity)))
            .Append(ml.Clustering.Trainers.KMeans("Embedding", numberOfClusters: 3))
            .Fit(data);
        try
        {
            Directory.CreateDirectory(Folder);
            var modelPath = Path.Combine(Folder, "model.onnx");
            using (var exported = ExportedModel.Convert(ml, model, data))
            {
                // ML.NET's answer for the file: the second runtime must agree with both.
                var onnx = exported.Score(ml, data);
                ExportedModel.AssertClose(model.Transform(data).VectorColumn("Reconstruction"), onnx.VectorColumn("Reconstruction"), "Reconstruction", output);
                File.Copy(exported.Path, modelPath, overwrite: true);
            }

            var expected = model.Transform(data);
            var check = new
            {
                model = "model.onnx",
                inputs = new Dictionary<string, object>
                {
                    ["Features"] = Tensor(data.VectorColumn("Features")),
                    ["Label"] = Tensor(data.ScalarColumn("Label").Select(v => new[] { v }).ToArray()),
                },
                outputs = new Dictionary<string, object>
                {
                    ["Embedding.output"] = Tensor(expected.VectorColumn("Embedding")),
                    ["Reconstruction.output"] = Tensor(expected.VectorColumn("Reconstruction")),
                    ["ReconstructionError.output"] = Tensor(expected.ScalarColumn("ReconstructionError").Select(v => new[] { v }).ToArray()),
                    ["Score.output"] = Tensor(expected.VectorColumn("Score")),
                    // ML.NET's key is 1-based; the exported KMeans writes the 0-based cluster index.
                    ["PredictedLabel.output"] = Tensor(expected.GetColumn<uint>("PredictedLabel").Select(k => new[] { k - 1f }).ToArray()),
                },
            };
            File.WriteAllText(Path.Combine(Folder, "check.json"), JsonSerializer.Serialize(check));

            using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "check.json")));
            Assert.Equal(64 * 16, written.RootElement.GetProperty("inputs").GetProperty("Features").GetProperty("data").GetArrayLength());
            Assert.Equal([64, 6], written.RootElement.GetProperty("outputs").GetProperty("Embedding.output").GetProperty("dims").EnumerateArray().Select(d => d.GetInt32()));
            output.WriteLine($"wrote {modelPath} ({new FileInfo(modelPath).Length} bytes) and check.json");
        }
        finally
        {
            foreach (var transformer in model)
                (transformer as IDisposable)?.Dispose();
        }
    }

    /// <summary>Row-major values as doubles (exact for floats) with their [rows, width] shape.</summary>
    private static object Tensor(float[][] rows) => new
    {
        dims = new[] { rows.Length, rows.Length > 0 ? rows[0].Length : 0 },
        data = rows.SelectMany(r => r).Select(v => (double)v).ToArray(),
    };
}
