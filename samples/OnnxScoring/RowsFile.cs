using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Samples.OnnxScoring;

/// <summary>
/// The rows samples/QuickStart writes beside an exported model: MODEL.rows.csv, a header, then per row the label and
/// the features (invariant culture, comma-separated).
/// </summary>
internal static class RowsFile
{
    /// <summary>MODEL.onnx -> MODEL.rows.csv (the name QuickStart's --export-onnx uses).</summary>
    public static string PathBeside(string modelPath) => Path.ChangeExtension(modelPath, ".rows.csv");

    /// <summary>Loads the file as Label (Single) and Features (vector of Single); the header gives the vector's size.</summary>
    public static (IDataView Rows, int FeatureCount) Load(MLContext mlContext, string path)
    {
        var header = File.ReadLines(path).First().Split(',');
        var featureCount = header.Length - 1;
        if (featureCount <= 0 || header[0] != "Label")
            throw new InvalidDataException($"'{path}': expected a header 'Label,<feature names>', got '{string.Join(',', header.Take(3))}...'.");
        var loader = mlContext.Data.CreateTextLoader(
            [
                new TextLoader.Column("Label", DataKind.Single, 0),
                new TextLoader.Column("Features", DataKind.Single, 1, featureCount),
            ],
            separatorChar: ',',
            hasHeader: true);
        return (loader.Load(path), featureCount);
    }
}
