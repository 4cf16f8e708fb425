using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>
/// The density term is part of the model file (entry version 0x00010002): it saves and loads with identical scores, a
/// model without it loads without it, and a damaged density section fails to load with a FormatException.
/// </summary>
public sealed class CodeDensityPersistenceTests : IDisposable
{
    private readonly MLContext ml = new(seed: 1);
    private readonly IDataView train;
    private readonly IDataView test;
    private readonly string folder = Directory.CreateTempSubdirectory("mlnetae-density-").FullName;

    public CodeDensityPersistenceTests()
    {
        train = ml.View(AnomalyTables.GappedLine(normal: 60, anomalies: 0, seed: 30));
        test = ml.View(AnomalyTables.GappedLine(normal: 20, anomalies: 5, seed: 31));
    }

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    private AutoencoderAnomalyPredictionTransformer Fit(bool density)
    {
        var options = new AutoencoderAnomalyOptions { ScoreCodeDensity = density };
        options.Autoencoder.NumberOfEpochs = 3;
        options.Autoencoder.LatentDimension = 1; // the damage offsets below assume codes of one value
        options.Autoencoder.Seed = 3;
        return ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(train);
    }

    private byte[] Save(ITransformer model)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        return stream.ToArray();
    }

    private static AutoencoderAnomalyPredictionTransformer Load(byte[] zip) =>
        (AutoencoderAnomalyPredictionTransformer)new MLContext().Model.Load(new MemoryStream(zip), out _);

    [Fact]
    public void ADetectorWithTheDensityTermRoundTripsWithIdenticalScoresNeighboursAndReferenceRows()
    {
        using var detector = Fit(density: true);

        using var loaded = Load(Save(detector));

        Assert.True(loaded.Model.ScoresCodeDensity);
        Assert.Equal(60, loaded.Model.CodeDensityReferenceRows);
        Assert.Equal(5, loaded.Model.CodeDensityNeighbours);
        Assert.Equal(detector.Model.CodeDensityReferenceRows, loaded.Model.CodeDensityReferenceRows);
        Assert.Equal(detector.Model.CodeDensityNeighbours, loaded.Model.CodeDensityNeighbours);
        Assert.Equal(detector.Threshold, loaded.Threshold);
        Assert.Equal(detector.Transform(test).ScalarColumn("Score"), loaded.Transform(test).ScalarColumn("Score"));
        Assert.Equal(detector.Transform(test).PredictedLabels(), loaded.Transform(test).PredictedLabels());
    }

    [Fact]
    public void AFreshProcessLoadsTheDensityTermAndGivesIdenticalScores()
    {
        using var detector = Fit(density: true);
        var path = Path.Combine(folder, "density.zip");
        File.WriteAllBytes(path, Save(detector));

        var scored = FreshProcess.Transform(ml, path, test, viaRowMapper: false);

        Assert.Equal(detector.Transform(test).ScalarColumn("Score"), scored.ScalarColumn("Score"));
    }

    [Fact]
    public void ADetectorSavedWithoutTheTermLoadsWithoutItAndScoresTheReconstructionAsBefore()
    {
        using var detector = Fit(density: false);

        using var loaded = Load(Save(detector));

        Assert.False(loaded.Model.ScoresCodeDensity);
        Assert.Equal(0, loaded.Model.CodeDensityNeighbours);
        Assert.Equal(0, loaded.Model.CodeDensityReferenceRows);
        Assert.Equal(detector.Transform(test).ScalarColumn("Score"), loaded.Transform(test).ScalarColumn("Score"));
    }

    [Fact]
    public void AVersion010DetectorLoadsWithoutTheTerm()
    {
        var zip = Path.Combine(AppContext.BaseDirectory, "GoldenModels", "v0.1.0", "anomaly-undercomplete.zip");

        using var loaded = Load(File.ReadAllBytes(zip));

        Assert.False(loaded.Model.ScoresCodeDensity);
        Assert.Equal(0, loaded.Model.CodeDensityReferenceRows);
    }

    /// <summary>Where the density section starts in the model entry: its flag (1), rows, code size, neighbours and the float count.</summary>
    private static (string Entry, byte[] Payload, int Offset) DensitySection(byte[] zip, int rows, int codeSize, int neighbours)
    {
        var pattern = new byte[] { 1 }.Concat(new[] { rows, codeSize, neighbours, rows * codeSize }.SelectMany(BitConverter.GetBytes)).ToArray();
        var (entry, payload, offset) = ModelZip.Find(zip, pattern)
            ?? throw new Xunit.Sdk.XunitException("No density section found in the model zip.");
        Assert.Equal(-1, payload.AsSpan(offset + 1).IndexOf(pattern)); // exactly one match
        return (entry, payload, offset);
    }

    private static byte[] Replace(byte[] zip, string name, byte[] payload)
    {
        using var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var target = new MemoryStream();
        using (var archive = new ZipArchive(target, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var read = entry.Open();
                using var write = archive.CreateEntry(entry.FullName).Open();
                if (entry.FullName == name)
                    write.Write(payload);
                else
                    read.CopyTo(write);
            }
        }
        return target.ToArray();
    }

    // Offsets inside the section: flag 0, rows 1, code size 5, neighbours 9, float count 13, references 17 (60 x 1 floats), then the two scales.
    [Theory]
    [InlineData("neighbours beyond the reference rows", 9, 61, "the number of neighbours = 61")]
    [InlineData("no neighbours", 9, 0, "the number of neighbours = 0")]
    [InlineData("reference rows beyond the bytes", 1, 60_000, "more than it holds")]
    [InlineData("reference rows beyond the limit", 1, 70_000, "the number of reference codes = 70000")]
    [InlineData("another code size", 5, 2, "the size of the reference codes = 2")]
    [InlineData("fewer floats than rows x code", 13, 59, "59 reference values")]
    [InlineData("more floats than rows x code", 13, 61, "61 values for the reference codes")]
    [InlineData("a NaN reference code", 17, 0x7FC00000, "must be finite")]
    [InlineData("a zero reconstruction scale", 17 + 60 * 4, 0, "positive")]
    [InlineData("an infinite distance scale", 17 + 61 * 4, 0x7F800000, "positive and finite")]
    public void ADamagedDensitySectionFailsToLoadWithAFormatException(string damage, int at, int value, string message)
    {
        using var detector = Fit(density: true);
        var zip = Save(detector);
        var (entry, payload, offset) = DensitySection(zip, rows: 60, codeSize: 1, neighbours: 5);
        BitConverter.GetBytes(value).CopyTo(payload, offset + at);

        var ex = LoadError(Replace(zip, entry, payload));

        Assert.True(ex is FormatException, $"{damage}: {ex.GetType().Name}: {ex.Message}");
        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData(1)]   // inside the reference count
    [InlineData(15)]  // inside the float count
    [InlineData(100)] // inside the reference codes
    public void AModelEntryCutInsideTheDensitySectionFailsToLoadWithAFormatExceptionAtItsRoot(int keep)
    {
        using var detector = Fit(density: true);
        var zip = Save(detector);
        var (entry, payload, offset) = DensitySection(zip, rows: 60, codeSize: 1, neighbours: 5);
        var cut = Replace(zip, entry, payload[..(offset + keep)]);

        // ML.NET's own entry header check sees the short entry first; its loader reports that FormatException wrapped in
        // "Error during class instantiation" (an InvalidOperationException, one of the documented load exceptions);
        // LoadValidated reports it as a FormatException.
        var ex = LoadError(cut);
        var root = ex;
        while (root.InnerException is { } inner)
            root = inner;
        Assert.True(root is FormatException, $"cut after {keep} bytes of the section: {ex.GetType().Name} <- ... <- {root.GetType().Name}: {root.Message}");
        Assert.True(ex is FormatException or InvalidOperationException, ex.GetType().Name);
        Assert.Throws<FormatException>(() => new MLContext().Model.LoadValidated(new MemoryStream(cut), out _));
    }

    /// <summary>What plain <c>mlContext.Model.Load</c> throws, unwrapped from ML.NET's reflection-based loader.</summary>
    private static Exception LoadError(byte[] zip)
    {
        var ex = Record.Exception(() => (new MLContext().Model.Load(new MemoryStream(zip), out _) as IDisposable)?.Dispose());
        Assert.NotNull(ex);
        while (ex is TargetInvocationException { InnerException: { } inner })
            ex = inner;
        return ex;
    }
}
