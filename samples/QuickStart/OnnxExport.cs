using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.QuickStart;

/// <summary>
/// --export-onnx PATH: the fitted autoencoder converted by ML.NET's <c>ConvertToOnnx</c>, and the first test rows
/// beside it (PATH with extension .rows.csv), which samples/OnnxScoring scores without TorchSharp.
/// </summary>
internal static class OnnxExport
{
    /// <summary>Test rows written for the scoring sample.</summary>
    public const int RowCount = 1000;

    /// <summary>Writes the model and the rows file; returns the rows file's path.</summary>
    public static string Export(MLContext mlContext, ITransformer model, IDataView test, string onnxPath)
    {
        var features = Columns.ReadVectors(test, "Features").Take(RowCount).ToArray();
        var labels = Columns.ReadScalar(test, "Label").Take(RowCount).ToArray();

        // The graph's inputs are the columns of the view given to ConvertToOnnx: a view of Features alone, so that
        // a caller of the exported model sends only the features (the Label column of the data set is not needed).
        var definition = SchemaDefinition.Create(typeof(FeaturesRow));
        definition[nameof(FeaturesRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features[0].Length);
        var featuresOnly = mlContext.Data.LoadFromEnumerable(features.Select(f => new FeaturesRow { Features = f }), definition);

        Directory.CreateDirectory(Path.GetDirectoryName(onnxPath)!);
        using (var stream = File.Create(onnxPath))
            mlContext.Model.ConvertToOnnx(model, featuresOnly, stream);

        var rowsPath = Path.ChangeExtension(onnxPath, ".rows.csv");
        using var writer = new StreamWriter(rowsPath);
        writer.WriteLine("Label," + string.Join(',', Enumerable.Range(0, features[0].Length).Select(i => $"Pixel{i}")));
        for (var i = 0; i < features.Length; i++)
            writer.WriteLine(labels[i].ToString(CultureInfo.InvariantCulture) + "," +
                             string.Join(',', features[i].Select(v => v.ToString(CultureInfo.InvariantCulture))));
        return rowsPath;
    }

    private sealed class FeaturesRow
    {
        public float[] Features { get; set; } = [];
    }
}
