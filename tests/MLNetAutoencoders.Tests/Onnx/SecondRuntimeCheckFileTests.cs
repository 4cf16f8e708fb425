using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// Writes exported pipelines for a second ONNX runtime, one folder each under <c>artifacts/onnx-check/</c>:
/// <c>&lt;name&gt;/model.onnx</c> and <c>&lt;name&gt;/check.json</c> (the rows fed, and the outputs ML.NET and TorchSharp gave
/// for them, each with its ONNX element type). CI then scores every folder with onnxruntime-node
/// (build/Onnx/score-with-onnxruntime-node.mjs, which lists the names below and fails when one is missing), floats within
/// 1e-4 relative, booleans and cluster indices exactly.
/// </summary>
public class SecondRuntimeCheckFileTests(ITestOutputHelper output)
{
    public static string Folder => Infrastructure.Repository.Path("artifacts/onnx-check");

    /// <summary>The folder names the script expects; keep in step with <c>expectedModels</c> in the script.</summary>
    public const string KSparseKMeans = "ksparse-kmeans", DensityDetector = "detector-density", VaeElboDetector = "vae-detector-elbo",
        ConvEmbedding = "conv-embedding";

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
            var expected = model.Transform(data);
            var written = WriteCheck(KSparseKMeans, ml, model, data, onnx =>
                ExportedModel.AssertClose(expected.VectorColumn("Reconstruction"), onnx.VectorColumn("Reconstruction"), "Reconstruction", output),
                new Dictionary<string, object>
                {
                    ["Embedding.output"] = Floats(expected.VectorColumn("Embedding")),
                    ["Reconstruction.output"] = Floats(expected.VectorColumn("Reconstruction")),
                    ["ReconstructionError.output"] = Floats(Column(expected.ScalarColumn("ReconstructionError"))),
                    ["Score.output"] = Floats(expected.VectorColumn("Score")),
                    // ML.NET's key is 1-based; the exported KMeans writes the 0-based cluster index (uint32).
                    ["PredictedLabel.output"] = Exact("uint32", expected.GetColumn<uint>("PredictedLabel").Select(k => k - 1).ToArray()),
                });

            Assert.Equal(64 * 16, written.GetProperty("inputs").GetProperty("Features").GetProperty("data").GetArrayLength());
            Assert.Equal([64, 6], Dims(written.GetProperty("outputs").GetProperty("Embedding.output")));
        }
        finally
        {
            foreach (var transformer in model)
                (transformer as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void TheDetectorCheckFolderHoldsAnExportedDefaultDetectorWithTheDensityTermItsRowsAndTorchSharpsScoresAndLabels()
    {
        var ml = new MLContext(seed: 1);
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(DetectorExportData.Options(5)).Fit(ml.ToDataView(DetectorExportData.Training(256)));
        Assert.True(detector.Model.ScoresCodeDensity);

        var written = WriteDetectorCheck(DensityDetector, ml, detector, ml.ToDataView(DetectorExportData.Scoring(48, 16)));

        // The density term is what brings these operators into the file (TopK with largest=0 for the nearest codes, a
        // bool output from Greater): the second runtime must run them. Their op_type strings are in the protobuf as-is.
        var bytes = File.ReadAllBytes(Path.Combine(Folder, DensityDetector, "model.onnx"));
        foreach (var op in new[] { "TopK", "Unsqueeze", "ReduceSum", "Greater" })
            Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(op)) >= 0, $"the detector's file holds no {op} node");
        Assert.Equal([64, 1], Dims(written.GetProperty("outputs").GetProperty("Score.output")));
    }

    [Fact]
    public void TheVaeDetectorCheckFolderHoldsAnExportedNegativeElboDetectorWithItsRowsAndTorchSharpsScoresAndLabels()
    {
        var ml = new MLContext(seed: 1);
        // The Bernoulli likelihood reads features in [0, 1]: the manifold's [-1, 1] halved and shifted, unstandardized.
        static float[][] Unit(float[][] rows) => rows.Select(r => r.Select(v => Math.Clamp((v + 1) / 2, 0, 1)).ToArray()).ToArray();
        var options = DetectorExportData.Options(5, o =>
        {
            o.Autoencoder.Kind = AutoencoderKind.Variational;
            o.Autoencoder.LatentDimension = 3;
            o.Autoencoder.Likelihood = VaeLikelihood.Bernoulli;
            o.Autoencoder.OutputActivation = Activation.Sigmoid;
            o.Standardize = false;
            o.VaeScore = VaeAnomalyScore.NegativeElbo;
            o.VaeScoringSamples = 4;
        });
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(ml.ToDataView(Unit(DetectorExportData.Training(256))));
        Assert.Equal(VaeAnomalyScore.NegativeElbo, detector.Model.VaeScore);

        var written = WriteDetectorCheck(VaeElboDetector, ml, detector, ml.ToDataView(Unit(DetectorExportData.Scoring(48, 16))));

        Assert.Equal("bool", written.GetProperty("outputs").GetProperty("PredictedLabel.output").GetProperty("type").GetString());
    }

    [Fact]
    public void TheConvCheckFolderHoldsAnExportedConvolutionalEmbeddingWithUnequalOutputPaddingsItsRowsAndTorchSharpsOutputs()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(64, features: 35, seed: 4));
        // 1 x 5 x 7 -> 3 x 4 -> 2 x 2: Conv and ConvTranspose (one with output_padding [0, 1]), Reshape and Flatten.
        var options = ConvOnnxExportTests.Convolutional(new AutoencoderOptions { HiddenActivation = Activation.Elu }, new ImageShape(1, 5, 7), [4, 8]);
        using var model = ml.Transforms.Autoencoder(options).Fit(data);
        Assert.Equal([0, 1], model.Architecture.Convolution!.Stages.Select(s => s.OutputPaddingWidth));

        var expected = model.Transform(data);
        var written = WriteCheck(ConvEmbedding, ml, model, data, onnx =>
            ExportedModel.AssertClose(expected.VectorColumn("Reconstruction"), onnx.VectorColumn("Reconstruction"), "Reconstruction", output),
            new Dictionary<string, object>
            {
                ["Embedding.output"] = Floats(expected.VectorColumn("Embedding")),
                ["Reconstruction.output"] = Floats(expected.VectorColumn("Reconstruction")),
                ["ReconstructionError.output"] = Floats(Column(expected.ScalarColumn("ReconstructionError"))),
            });

        var bytes = File.ReadAllBytes(Path.Combine(Folder, ConvEmbedding, "model.onnx"));
        foreach (var op in new[] { "Conv", "ConvTranspose", "Reshape", "Flatten", "output_padding" })
            Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(op)) >= 0, $"the conv embedding's file holds no {op}");
        Assert.Equal([64, 35], Dims(written.GetProperty("outputs").GetProperty("Reconstruction.output")));
    }

    /// <summary>A detector's check: its Score (float) and PredictedLabel (bool), where both labels occur.</summary>
    private JsonElement WriteDetectorCheck(string name, MLContext ml, ITransformer detector, IDataView data)
    {
        var expected = detector.Transform(data);
        var scores = Column(expected.ScalarColumn("Score"));
        var labels = expected.PredictedLabels();
        output.WriteLine($"{name}: PredictedLabel true on {labels.Count(l => l)} of {labels.Length} rows");
        Assert.Contains(true, labels);
        Assert.Contains(false, labels);
        return WriteCheck(name, ml, detector, data, onnx =>
            {
                ExportedModel.AssertClose(scores, onnx.VectorColumn("Score"), "Score", output);
                Assert.Equal(labels, onnx.GetColumn<VBuffer<bool>>(onnx.Schema["PredictedLabel"]).Select(v => Assert.Single(v.DenseValues())));
            },
            new Dictionary<string, object>
            {
                ["Score.output"] = Floats(scores),
                ["PredictedLabel.output"] = Exact("bool", labels),
            });
    }

    /// <summary>
    /// Exports <paramref name="model"/>, lets <paramref name="agrees"/> check ML.NET's ApplyOnnxModel answer for the file
    /// (the second runtime must agree with both), then writes <c>&lt;name&gt;/model.onnx</c> and <c>check.json</c>: every
    /// graph input's values from <paramref name="data"/> and <paramref name="outputs"/>. Returns check.json as read back.
    /// </summary>
    private JsonElement WriteCheck(string name, MLContext ml, ITransformer model, IDataView data, Action<IDataView> agrees, Dictionary<string, object> outputs)
    {
        var folder = Path.Combine(Folder, name);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var modelPath = Path.Combine(folder, "model.onnx");
        var inputs = new Dictionary<string, object>();
        using (var exported = ExportedModel.Convert(ml, model, data))
        {
            agrees(exported.Score(ml, data));
            foreach (var column in outputs.Keys)
                Assert.Contains(column, exported.Outputs);
            foreach (var input in exported.Inputs)
                inputs[input] = data.Schema[input].Type is VectorDataViewType ? Floats(data.VectorColumn(input)) : Floats(Column(data.ScalarColumn(input)));
            File.Copy(exported.Path, modelPath, overwrite: true);
        }

        var checkPath = Path.Combine(folder, "check.json");
        File.WriteAllText(checkPath, JsonSerializer.Serialize(new { model = "model.onnx", inputs, outputs }));
        output.WriteLine($"wrote {modelPath} ({new FileInfo(modelPath).Length} bytes) and check.json: inputs {string.Join(", ", inputs.Keys)}; outputs {string.Join(", ", outputs.Keys)}");
        using var written = JsonDocument.Parse(File.ReadAllText(checkPath));
        return written.RootElement.Clone();
    }

    private static float[][] Column(float[] values) => values.Select(v => new[] { v }).ToArray();

    private static int[] Dims(JsonElement tensor) => tensor.GetProperty("dims").EnumerateArray().Select(d => d.GetInt32()).ToArray();

    /// <summary>Row-major values as doubles (exact for floats) with their [rows, width] shape.</summary>
    private static object Floats(float[][] rows) => new
    {
        type = "float32",
        dims = new[] { rows.Length, rows.Length > 0 ? rows[0].Length : 0 },
        data = rows.SelectMany(r => r).Select(v => (double)v).ToArray(),
    };

    /// <summary>One value per row, shape [rows, 1], of an element type the script compares exactly (bool, uint32).</summary>
    private static object Exact<T>(string type, T[] values) => new { type, dims = new[] { values.Length, 1 }, data = values };
}
