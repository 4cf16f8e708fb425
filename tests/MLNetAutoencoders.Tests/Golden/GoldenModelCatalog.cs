using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;

namespace MLNetAutoencoders.Tests.Golden;

/// <summary>
/// The golden models: tiny models of every transformer this library saves, trained deterministically, saved with
/// <c>mlContext.Model.Save</c> into <c>GoldenModels/v&lt;version&gt;/&lt;name&gt;.zip</c> next to
/// <c>&lt;name&gt;.expected.json</c>: a few input rows and the exact outputs the saving version computed for them.
/// <see cref="GoldenModelTests"/> loads every zip of every version folder and checks those outputs, so a later
/// version that can no longer read, or reads differently, a model saved by a released version fails.
/// </summary>
public static class GoldenModelCatalog
{
    /// <summary>The folder of the golden models inside the test project (and, copied, inside the test output).</summary>
    public const string FolderName = "GoldenModels";

    /// <summary>Suffix of the expected-output files.</summary>
    public const string ExpectedSuffix = ".expected.json";

    /// <summary>Rows probed in every expected file.</summary>
    public const int ProbeRows = 4;

    /// <summary>The probe rows: three on the training manifold, the last one off it (3x a manifold point), which the detectors flag.</summary>
    public static float[][] ProbeInput()
    {
        var rows = SyntheticData.Manifold(ProbeRows, seed: 99);
        rows[^1] = rows[^1].Select(v => 3 * v).ToArray();
        return rows;
    }

    private sealed record Golden(string Name, string Description, Func<MLContext, IDataView, (ITransformer Model, string[] Outputs)> Fit);

    private static AutoencoderOptions Tiny(AutoencoderKind kind) => new()
    {
        Kind = kind,
        LatentDimension = 3,
        HiddenLayerSizes = [8],
        NumberOfEpochs = 2,
        BatchSize = 16,
        KSparseK = 2,
        Seed = 11,
        ScoringBatchSize = 64,
    };

    /// <summary>The golden convolutional network: the 16 features seen as a 1 x 4 x 4 image, channels [4, 8], <paramref name="dense"/> layers after them (none by default), code 3 (724 parameters for the non-variational kinds without dense layers).</summary>
    private static AutoencoderOptions TinyConvolutional(AutoencoderKind kind, int[]? dense = null)
    {
        var options = Tiny(kind);
        options.HiddenLayerSizes = dense ?? [];
        options.ImageShape = new ImageShape(1, 4, 4);
        options.ConvolutionChannels = [4, 8];
        return options;
    }

    private static readonly string[] EmbeddingOutputs = ["Embedding", "Reconstruction", "ReconstructionError"];

    private static IEnumerable<Golden> All()
    {
        foreach (var kind in Enum.GetValues<AutoencoderKind>())
            yield return new($"embedding-{kind.ToString().ToLowerInvariant()}", $"AutoencoderEmbeddingTransformer, {kind}, 16-8-3, 2 epochs",
                (ml, data) => (ml.Transforms.Autoencoder(Tiny(kind)).Fit(data), EmbeddingOutputs));
        yield return new("pipeline-minmax-undercomplete", "NormalizeMinMax(Features) then an undercomplete 16-8-3 autoencoder, as one TransformerChain",
            (ml, data) => (ml.Transforms.NormalizeMinMax("Features").Append(ml.Transforms.Autoencoder(Tiny(AutoencoderKind.Undercomplete))).Fit(data), EmbeddingOutputs));
        yield return new("sampler-prior", "VaeSamplerTransformer, Prior mode, decoder mean, seed 7 (samples by row position)",
            (ml, data) => (ml.Transforms.VaeSampler(new VaeSamplerOptions { Vae = Tiny(AutoencoderKind.Variational), Mode = VaeSamplingMode.Prior, Seed = 7 }).Fit(data), ["Sample"]));
        yield return new("sampler-posterior-gaussiandraw", "VaeSamplerTransformer, Posterior mode, Gaussian draw, temperature 0.5, seed 7",
            (ml, data) => (ml.Transforms.VaeSampler(new VaeSamplerOptions
            {
                Vae = Tiny(AutoencoderKind.Variational), Mode = VaeSamplingMode.Posterior, Output = VaeDecoderOutput.GaussianDraw, Temperature = 0.5f, Seed = 7,
            }).Fit(data), ["Sample"]));
        yield return new("anomaly-undercomplete", "AutoencoderAnomalyPredictionTransformer, undercomplete 16-8-3, standardized, contamination 0.1",
            (ml, data) => (ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions { Autoencoder = Tiny(AutoencoderKind.Undercomplete), Contamination = 0.1f }).Fit(data),
                ["Score", "PredictedLabel"]));
        yield return new("anomaly-vae-elbo", "AutoencoderAnomalyPredictionTransformer, variational 16-8-3, negative-ELBO score with 3 posterior samples, contamination 0.25",
            (ml, data) => (ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions
            {
                Autoencoder = Tiny(AutoencoderKind.Variational), Contamination = 0.25f, VaeScore = VaeAnomalyScore.NegativeElbo, VaeScoringSamples = 3,
            }).Fit(data), ["Score", "PredictedLabel"]));
        yield return new(CodeDensityGolden, "AutoencoderAnomalyPredictionTransformer, undercomplete 16-8-3, standardized, with the density term in code space " +
            "(model entry version 0x00010002: all 64 training codes as references, k = 5), contamination 0.1",
            (ml, data) => (ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions
            {
                Autoencoder = Tiny(AutoencoderKind.Undercomplete), Contamination = 0.1f, ScoreCodeDensity = true,
            }).Fit(data), ["Score", "PredictedLabel"]));

        // Network description version 2 (GoldenModels/description-v2/): entries AEEMBEDT and VAESAMPT 0x00010002, AEANOMMP 0x00010003.
        foreach (var kind in Enum.GetValues<AutoencoderKind>())
            yield return new($"embedding-conv-{kind.ToString().ToLowerInvariant()}",
                $"AutoencoderEmbeddingTransformer, {kind}, convolutional: 1 x 4 x 4 -> conv [4, 8] -> 3, 2 epochs",
                (ml, data) => (ml.Transforms.Autoencoder(TinyConvolutional(kind)).Fit(data), EmbeddingOutputs));
        yield return new("sampler-conv-prior", "VaeSamplerTransformer, Prior mode, decoder mean, seed 7, convolutional VAE 1 x 4 x 4 -> conv [4, 8] -> 3",
            (ml, data) => (ml.Transforms.VaeSampler(new VaeSamplerOptions { Vae = TinyConvolutional(AutoencoderKind.Variational), Mode = VaeSamplingMode.Prior, Seed = 7 }).Fit(data), ["Sample"]));
        yield return new("anomaly-conv-codedensity", "AutoencoderAnomalyPredictionTransformer, undercomplete convolutional 1 x 4 x 4 -> conv [4, 8] -> 3, standardized, " +
            "with the density term in code space (all 64 training codes, k = 5), contamination 0.1",
            (ml, data) => (ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions
            {
                Autoencoder = TinyConvolutional(AutoencoderKind.Undercomplete), Contamination = 0.1f, ScoreCodeDensity = true,
                Standardize = true, // explicit since images are no longer standardized by default: the file keeps its standardization block
                ScoreStructuralDissimilarity = false, // explicit since image detectors score it by default: the file predates the term
            }).Fit(data), ["Score", "PredictedLabel"]));
        yield return new(StructureGolden, "AutoencoderAnomalyPredictionTransformer, undercomplete convolutional 1 x 4 x 4 -> conv [4, 8] -> 3, " +
            "the image defaults: not standardized, squared error and structural dissimilarity (3 x 3 windows), density term, contamination 0.1",
            (ml, data) => (ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions
            {
                Autoencoder = TinyConvolutional(AutoencoderKind.Undercomplete), Contamination = 0.1f,
            }).Fit(data), ["Score", "PredictedLabel"]));
        yield return new("embedding-mlp-undercomplete", "AutoencoderEmbeddingTransformer, Undercomplete, 16-8-3, 2 epochs (a multilayer perceptron written as description version 2)",
            (ml, data) => (ml.Transforms.Autoencoder(Tiny(AutoencoderKind.Undercomplete)).Fit(data), EmbeddingOutputs));
        yield return new("embedding-conv-dense-undercomplete",
            "AutoencoderEmbeddingTransformer, Undercomplete, convolutional with a dense layer after the stages: 1 x 4 x 4 -> conv [4, 8] -> [6] -> 3, 2 epochs",
            (ml, data) => (ml.Transforms.Autoencoder(TinyConvolutional(AutoencoderKind.Undercomplete, dense: [6])).Fit(data), EmbeddingOutputs));
    }

    /// <summary>The models of <see cref="DescriptionVersion2Folder"/>: written with network description version 2.</summary>
    public static readonly string[] DescriptionVersion2Goldens =
    [
        .. Enum.GetValues<AutoencoderKind>().Select(k => $"embedding-conv-{k.ToString().ToLowerInvariant()}"),
        "sampler-conv-prior", "anomaly-conv-codedensity", "embedding-mlp-undercomplete", "embedding-conv-dense-undercomplete",
    ];

    /// <summary>The folder of the models written with network description version 2, before the version that brings it is released.</summary>
    public const string DescriptionVersion2Folder = "description-v2";

    /// <summary>The golden image detector with the structural dissimilarity, the first of model entry version 0x00010004.</summary>
    public const string StructureGolden = "anomaly-conv-structure";

    /// <summary>The folder of <see cref="StructureGolden"/>, saved before the version that brings it is released.</summary>
    public const string StructureFolder = "anomaly-entry-0x00010004";

    /// <summary>The golden detector with the density term, the first of model entry version 0x00010002.</summary>
    public const string CodeDensityGolden = "anomaly-undercomplete-codedensity";

    /// <summary>The version this assembly saves, e.g. "0.1.0" (from the informational version, build metadata dropped).</summary>
    public static string CurrentVersion()
    {
        var informational = typeof(AutoencoderEmbeddingTransformer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? throw new InvalidOperationException("MLNetAutoencoders.Transforms has no informational version.");
        return informational.Split('+', '-')[0];
    }

    /// <summary>
    /// Trains and saves every golden model into <paramref name="folder"/> with its expected outputs. Refuses to write
    /// into a folder that already holds a golden file unless <paramref name="overwrite"/> is set: the models of a
    /// released version are never regenerated (add a folder for the new version instead).
    /// </summary>
    /// <param name="folder">The folder to write into.</param>
    /// <param name="overwrite">Whether golden files already in <paramref name="folder"/> may be overwritten.</param>
    /// <param name="only">The names of the models to write; null writes all.</param>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Generate(string folder, bool overwrite, IReadOnlyCollection<string>? only = null)
    {
        var goldens = All().Where(g => only is null || only.Contains(g.Name)).ToArray();
        if (only is not null && only.Except(goldens.Select(g => g.Name)).ToArray() is { Length: > 0 } unknown)
            throw new ArgumentException($"No golden model named {string.Join(", ", unknown)}; known: {string.Join(", ", All().Select(g => g.Name))}.", nameof(only));
        Directory.CreateDirectory(folder);
        var existing = Directory.GetFiles(folder, "*.zip").Concat(Directory.GetFiles(folder, "*" + ExpectedSuffix)).ToArray();
        if (existing.Length > 0 && !overwrite)
            throw new InvalidOperationException(
                $"'{folder}' already holds {existing.Length} golden files ({string.Join(", ", existing.Select(Path.GetFileName))}). Golden models of a released " +
                "version must never be regenerated: write a new version folder instead (or pass --overwrite for a version not released yet).");

        var written = new List<string>();
        var version = CurrentVersion();
        foreach (var golden in goldens)
        {
            var ml = new MLContext(seed: 1);
            var train = ml.ToDataView(SyntheticData.Manifold(64, seed: 3));
            var (model, outputs) = golden.Fit(ml, train);
            var zip = Path.Combine(folder, golden.Name + ".zip");
            ml.Model.Save(model, train.Schema, zip);
            (model as IDisposable)?.Dispose();

            // Outputs of the model as loaded back, with a fresh context: exactly what the test will recompute.
            var probe = ProbeInput();
            var actual = Outputs(zip, probe, outputs);
            var document = new JsonObject
            {
                ["name"] = golden.Name,
                ["description"] = golden.Description,
                ["savedByVersion"] = version,
                ["model"] = golden.Name + ".zip",
                ["inputColumn"] = "Features",
                ["input"] = ToJson(probe),
                ["outputs"] = ToJson(actual),
            };
            var json = Path.Combine(folder, golden.Name + ExpectedSuffix);
            File.WriteAllText(json, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            written.Add(zip);
            written.Add(json);
        }
        return written;
    }

    /// <summary>Loads <paramref name="zipPath"/> with a fresh MLContext, transforms <paramref name="rows"/> (column "Features") and reads the named outputs.</summary>
    public static Dictionary<string, object> Outputs(string zipPath, float[][] rows, IEnumerable<string> columns)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(zipPath, out _);
        try
        {
            var scored = model.Transform(ml.ToDataView(rows));
            var result = new Dictionary<string, object>();
            foreach (var name in columns)
            {
                var column = scored.Schema.GetColumnOrNull(name) ?? throw new InvalidOperationException($"Output column '{name}' missing from the loaded model's output.");
                result[name] = column.Type switch
                {
                    VectorDataViewType { ItemType: NumberDataViewType n } when n == NumberDataViewType.Single => scored.VectorColumn(name),
                    NumberDataViewType n when n == NumberDataViewType.Single => scored.ScalarColumn(name),
                    BooleanDataViewType => scored.GetColumn<bool>(column).ToArray(),
                    _ => throw new InvalidOperationException($"Output column '{name}' has unexpected type {column.Type}."),
                };
            }
            return result;
        }
        finally
        {
            (model as IDisposable)?.Dispose(); // a TransformerChain disposes its transformers
        }
    }

    // System.Text.Json writes Single and Double in their shortest round-trip form ("R"): parsing gives the same bits.
    private static JsonNode ToJson(object value) => value switch
    {
        float[][] m => new JsonArray(m.Select(ToJson).ToArray()),
        float[] v => new JsonArray(v.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
        bool[] b => new JsonArray(b.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
        Dictionary<string, object> d => new JsonObject(d.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ToJson(p.Value)))),
        _ => throw new ArgumentException($"Cannot write {value.GetType()} as golden output."),
    };

    /// <summary>Parses a number written by <see cref="Generate"/>.</summary>
    public static float ParseFloat(JsonNode node) => float.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
