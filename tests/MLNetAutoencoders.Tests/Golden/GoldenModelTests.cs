using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Golden;

/// <summary>
/// Model zips saved by released versions (GoldenModels/v&lt;version&gt;/) still load with a fresh MLContext and give
/// the outputs stored next to them (see GoldenModels/README.md).
/// </summary>
public class GoldenModelTests
{
    private const double RelativeTolerance = 1e-5;

    private static string Root => Path.Combine(AppContext.BaseDirectory, GoldenModelCatalog.FolderName);

    /// <summary>Every expected-output file, as "v0.1.0/embedding-sparse".</summary>
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Root, "*" + GoldenModelCatalog.ExpectedSuffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Root, file)[..^GoldenModelCatalog.ExpectedSuffix.Length].Replace('\\', '/'));
        return data;
    }

    [Fact]
    public void TheGoldenModelsOfVersion010AreAllPresentAndSmall()
    {
        var folder = Path.Combine(Root, "v0.1.0");
        var names = Directory.GetFiles(folder, "*.zip").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(new[]
        {
            "anomaly-undercomplete", "anomaly-vae-elbo",
            "embedding-contractive", "embedding-denoising", "embedding-ksparse", "embedding-sparse", "embedding-undercomplete", "embedding-variational",
            "pipeline-minmax-undercomplete", "sampler-posterior-gaussiandraw", "sampler-prior",
        }, names);
        Assert.All(names, n => Assert.True(File.Exists(Path.Combine(folder, n + GoldenModelCatalog.ExpectedSuffix)), $"{n} has no expected outputs"));
        Assert.All(Directory.GetFiles(folder, "*.zip"), zip => Assert.InRange(new FileInfo(zip).Length, 1, 20 * 1024));
    }

    /// <summary>The folder of the golden detector with the density term, saved before the version that brings it is released.</summary>
    public const string CodeDensityFolder = "anomaly-entry-0x00010002";

    [Fact]
    public void TheGoldenDetectorWithTheDensityTermIsSavedAsModelEntryVersion0x00010002AndLoadsWithTheTerm()
    {
        var folder = Path.Combine(Root, CodeDensityFolder);
        var zip = Path.Combine(folder, GoldenModelCatalog.CodeDensityGolden + ".zip");
        Assert.Equal(new[] { zip }, Directory.GetFiles(folder, "*.zip"));
        Assert.True(File.Exists(Path.Combine(folder, GoldenModelCatalog.CodeDensityGolden + GoldenModelCatalog.ExpectedSuffix)));
        Assert.InRange(new FileInfo(zip).Length, 1, 20 * 1024);

        Assert.Equal(0x00010002u, DetectorEntryVersion(File.ReadAllBytes(zip)));
        Assert.True(DetectorEntryVersion(File.ReadAllBytes(Path.Combine(Root, "v0.1.0", "anomaly-undercomplete.zip"))) < 0x00010002u);
        using var loaded = (AutoencoderAnomalyPredictionTransformer)new MLContext().Model.Load(zip, out _);
        Assert.True(loaded.Model.ScoresCodeDensity);
        Assert.Equal(64, loaded.Model.CodeDensityReferenceRows);
        Assert.Equal(5, loaded.Model.CodeDensityNeighbours);
    }

    [Fact]
    public void TheGoldenImageDetectorWithTheStructuralTermIsSavedAsModelEntryVersion0x00010004AndLoadsWithTheTerm()
    {
        var folder = Path.Combine(Root, GoldenModelCatalog.StructureFolder);
        var zip = Path.Combine(folder, GoldenModelCatalog.StructureGolden + ".zip");
        Assert.Equal(new[] { zip }, Directory.GetFiles(folder, "*.zip"));
        Assert.True(File.Exists(Path.Combine(folder, GoldenModelCatalog.StructureGolden + GoldenModelCatalog.ExpectedSuffix)));
        Assert.InRange(new FileInfo(zip).Length, 1, 20 * 1024);

        Assert.Equal(0x00010004u, DetectorEntryVersion(File.ReadAllBytes(zip)));
        Assert.Equal(0x00010003u, DetectorEntryVersion(File.ReadAllBytes(Path.Combine(Root, GoldenModelCatalog.DescriptionVersion2Folder, "anomaly-conv-codedensity.zip"))));
        using var loaded = (AutoencoderAnomalyPredictionTransformer)new MLContext().Model.Load(zip, out _);
        Assert.True(loaded.Model.ScoresStructuralDissimilarity);
        Assert.Equal(3, loaded.Model.StructuralSimilarityWindow);
        Assert.True(loaded.Model.ScoresCodeDensity);
        using var older = (AutoencoderAnomalyPredictionTransformer)new MLContext().Model.Load(
            Path.Combine(Root, GoldenModelCatalog.DescriptionVersion2Folder, "anomaly-conv-codedensity.zip"), out _);
        Assert.False(older.Model.ScoresStructuralDissimilarity); // written before the term: the squared error alone, as it computed then
    }

    /// <summary>The version an entry of the detector's model parameters was written with (ML.NET's model header: the 8-byte model signature, then that version as 4 bytes).</summary>
    private static uint DetectorEntryVersion(byte[] zip)
    {
        var signature = Encoding.ASCII.GetBytes("AEANOMMP");
        var (_, payload, at) = ModelZip.Find(zip, signature)
            ?? throw new Xunit.Sdk.XunitException("No entry of the detector's model parameters in the zip.");
        return BitConverter.ToUInt32(payload, at + signature.Length); // then the oldest version that can read it
    }

    /// <summary>
    /// Where each of our entries' network description starts after ML.NET's model header: the embedding writes its four
    /// column names (string ids) and the scoring batch size first, the sampler its two column names, mode, output,
    /// temperature, seed and the scoring batch size; the detector's model parameters start with it.
    /// </summary>
    private static readonly (string Signature, uint Version, int DescriptionOffset)[] DescriptionVersion2Entries =
    [
        ("AEEMBEDT", 0x00010002u, 5 * sizeof(int)),
        ("VAESAMPT", 0x00010002u, 7 * sizeof(int)),
        ("AEANOMMP", 0x00010003u, 0),
    ];

    [Fact]
    public void TheGoldenModelsOfDescriptionVersion2AreWrittenAsEntryVersion0x00010002WithDescriptionVersion2()
    {
        var folder = Path.Combine(Root, GoldenModelCatalog.DescriptionVersion2Folder);
        var names = Directory.GetFiles(folder, "*.zip").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(GoldenModelCatalog.DescriptionVersion2Goldens.Order(StringComparer.Ordinal), names);
        Assert.All(names, n => Assert.True(File.Exists(Path.Combine(folder, n + GoldenModelCatalog.ExpectedSuffix)), $"{n} has no expected outputs"));

        foreach (var name in names)
        {
            var zip = File.ReadAllBytes(Path.Combine(folder, name + ".zip"));
            Assert.InRange(zip.Length, 1, 8 * 1024);
            var (signature, version, offset) = Assert.Single(DescriptionVersion2Entries, e => ModelZip.Find(zip, Encoding.ASCII.GetBytes(e.Signature)) is not null);
            var (_, payload, at) = ModelZip.Find(zip, Encoding.ASCII.GetBytes(signature))!.Value;
            int Int(int position) => BitConverter.ToInt32(payload, position);

            // ML.NET's model header: "ML\0MODEL", versions, then the model's offset; the model signature, then its written and readable versions.
            Assert.Equal("ML\0MODEL", Encoding.ASCII.GetString(payload, 0, 8));
            Assert.True(version == BitConverter.ToUInt32(payload, at + 8), $"{name}: {signature} written as 0x{BitConverter.ToUInt32(payload, at + 8):X8}, expected 0x{version:X8}");
            // Readable only from that version on: ML.NET's loader in v0.1.0 (entries 0x00010001) refuses the file as newer.
            Assert.Equal(version, BitConverter.ToUInt32(payload, at + 12));
            var description = checked((int)BitConverter.ToInt64(payload, 16)) + offset;

            Assert.True(Int(description) == 2, $"{name}: the description starts with {Int(description)}, expected version 2");
            Assert.Equal(16, Int(description + 2 * sizeof(int))); // input size
            var hiddenCount = Int(description + 3 * sizeof(int));
            var architecture = description + (1 + 3 + hiddenCount + 5) * sizeof(int);
            if (name.Contains("-conv-"))
            {
                // no dense layer after the stages, or one of 6 for the -dense- model
                Assert.Equal(name.Contains("-dense-") ? new[] { 1, 6 } : new[] { 0 },
                    Enumerable.Range(0, 1 + hiddenCount).Select(i => Int(description + (3 + i) * sizeof(int))));
                // convolutional; image 1 x 4 x 4; two stages (channels, kernel, stride, padding)
                Assert.Equal(new[] { 1, 1, 4, 4, 2, 4, 3, 2, 1, 8, 3, 2, 1 }, Enumerable.Range(0, 13).Select(i => Int(architecture + i * sizeof(int))));
            }
            else
            {
                Assert.Equal(new[] { 1, 8 }, new[] { hiddenCount, Int(description + 4 * sizeof(int)) });
                Assert.Equal(0, Int(architecture)); // multilayer perceptron
            }
        }
    }

    [Fact]
    public void TheGeneratorWritesOnlyTheNamedModelsAndRejectsAnUnknownName()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetae-golden-");
        try
        {
            var written = GoldenModelCatalog.Generate(folder.FullName, overwrite: false, [GoldenModelCatalog.CodeDensityGolden]);

            Assert.Equal(new[] { GoldenModelCatalog.CodeDensityGolden + ".zip", GoldenModelCatalog.CodeDensityGolden + GoldenModelCatalog.ExpectedSuffix },
                written.Select(Path.GetFileName));
            Assert.Equal(2, Directory.GetFiles(folder.FullName).Length);
            var ex = Assert.Throws<ArgumentException>(() => GoldenModelCatalog.Generate(folder.FullName, overwrite: true, ["no-such-model"]));
            Assert.Contains("no-such-model", ex.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheGeneratorRefusesAFolderThatAlreadyHoldsGoldenFiles()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetae-golden-");
        try
        {
            File.WriteAllBytes(Path.Combine(folder.FullName, "embedding-undercomplete.zip"), [1, 2, 3]);

            var ex = Assert.Throws<InvalidOperationException>(() => GoldenModelCatalog.Generate(folder.FullName, overwrite: false));

            Assert.Contains("embedding-undercomplete.zip", ex.Message);
            Assert.Contains("must never be regenerated", ex.Message);
            Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(folder.FullName, "embedding-undercomplete.zip")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AGoldenModelLoadsInAFreshContextAndReproducesItsStoredOutputs(string golden)
    {
        var expectedPath = Path.Combine(Root, golden + GoldenModelCatalog.ExpectedSuffix);
        var expected = JsonNode.Parse(File.ReadAllText(expectedPath))!.AsObject();
        var zip = Path.Combine(Path.GetDirectoryName(expectedPath)!, (string)expected["model"]!);
        Assert.Equal("Features", (string)expected["inputColumn"]!);
        var input = expected["input"]!.AsArray().Select(r => r!.AsArray().Select(v => GoldenModelCatalog.ParseFloat(v!)).ToArray()).ToArray();
        var outputs = expected["outputs"]!.AsObject();

        var actual = GoldenModelCatalog.Outputs(zip, input, outputs.Select(p => p.Key));

        foreach (var (name, node) in outputs)
        {
            switch (actual[name])
            {
                case float[][] vectors:
                    var rows = node!.AsArray();
                    Assert.Equal(rows.Count, vectors.Length);
                    for (var i = 0; i < rows.Count; i++)
                        AssertClose(name, i, rows[i]!.AsArray().Select(v => GoldenModelCatalog.ParseFloat(v!)).ToArray(), vectors[i]);
                    break;
                case float[] scalars:
                    AssertClose(name, null, node!.AsArray().Select(v => GoldenModelCatalog.ParseFloat(v!)).ToArray(), scalars);
                    break;
                case bool[] flags:
                    Assert.Equal(node!.AsArray().Select(v => v!.GetValue<bool>()).ToArray(), flags);
                    break;
                default:
                    Assert.Fail($"Unexpected output type of {name}.");
                    break;
            }
        }
    }

    private static void AssertClose(string column, int? row, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(expected[j] - actual[j]) <= RelativeTolerance * Math.Max(1, Math.Abs(expected[j])),
                $"{column}{(row is null ? "" : $" row {row}")} [{j}]: expected {expected[j]:R}, got {actual[j]:R}");
    }
}
