using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// A pipeline converted with ML.NET's <c>ConvertToOnnx</c> into a temporary file (deleted on dispose), with the graph's
/// input and output names as ONNX Runtime reads them.
/// </summary>
internal sealed class ExportedModel : IDisposable
{
    private ExportedModel(string path)
    {
        Path = path;
        using var session = new InferenceSession(path);
        Inputs = session.InputMetadata.Keys.ToList();
        Outputs = session.OutputMetadata.Keys.ToList();
    }

    public string Path { get; }

    /// <summary>The graph's input names: the columns a caller must feed.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The graph's output names, "&lt;column&gt;.output".</summary>
    public IReadOnlyList<string> Outputs { get; }

    public static ExportedModel Convert(MLContext ml, ITransformer model, IDataView data)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ae-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var stream = File.Create(path))
                ml.Model.ConvertToOnnx(model, data, stream);
            return new ExportedModel(path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>The file scored by ML.NET's OnnxTransformer (ONNX Runtime): columns come back without ".output".</summary>
    public IDataView Score(MLContext ml, IDataView data) => ml.Transforms.ApplyOnnxModel(Path).Fit(data).Transform(data);

    public void Dispose() => File.Delete(Path);

    /// <summary>
    /// Asserts that every value is within 1e-4 of the expected one, relative to max(|expected|, 1e-3) (an absolute 1e-7
    /// near zero), and NaN exactly where the expected value is NaN; logs and returns the worst relative difference.
    /// </summary>
    /// <summary>
    /// The embedding transformer's three columns in <paramref name="expected"/> (our transformer's output) and
    /// <paramref name="onnx"/> (the exported file's, where the scalar error comes back as a vector of length 1) agree.
    /// </summary>
    public static void AssertEmbeddingColumnsClose(IDataView expected, IDataView onnx, ITestOutputHelper log)
    {
        foreach (var column in new[] { "Embedding", "Reconstruction" })
            AssertClose(expected.VectorColumn(column), onnx.VectorColumn(column), column, log);
        AssertClose(expected.ScalarColumn("ReconstructionError").Select(e => new[] { e }).ToArray(),
            onnx.VectorColumn("ReconstructionError"), "ReconstructionError", log);
    }

    public static double AssertClose(float[][] expected, float[][] actual, string column, ITestOutputHelper log)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (var j = 0; j < expected[i].Length; j++)
            {
                Assert.Equal(float.IsNaN(expected[i][j]), float.IsNaN(actual[i][j]));
                if (!float.IsNaN(expected[i][j]))
                    worst = Math.Max(worst, Math.Abs(expected[i][j] - actual[i][j]) / Math.Max(Math.Abs(expected[i][j]), 1e-3));
            }
        }
        log.WriteLine($"{column}: worst relative difference {worst:G3}");
        Assert.True(worst <= 1e-4, $"{column}: worst relative difference {worst:G3}");
        return worst;
    }
}
