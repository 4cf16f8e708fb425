using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Samples.OnnxScoring;

/// <summary>One input row of an exported autoencoder: the <c>Features</c> vector, its only graph input.</summary>
public sealed class FeaturesRow
{
    /// <summary>The pixels (or any features), as many as the model was trained on.</summary>
    public float[] Features { get; set; } = [];
}

/// <summary>The columns an exported autoencoder adds (ONNX Runtime returns every output as a vector, the error as one value).</summary>
public sealed class ScoredRow
{
    /// <summary>The code of the row.</summary>
    public float[] Embedding { get; set; } = [];

    /// <summary>The decoded row, same length as <see cref="FeaturesRow.Features"/>.</summary>
    public float[] Reconstruction { get; set; } = [];

    /// <summary>The per-row mean squared reconstruction error, a vector of one value.</summary>
    public float[] ReconstructionError { get; set; } = [];
}

/// <summary>
/// An exported model behind ML.NET's <c>ApplyOnnxModel</c>: a transformer for batches (<see cref="Transform"/>) and
/// a PredictionEngine for single rows. Needs only Microsoft.ML, Microsoft.ML.OnnxTransformer and
/// Microsoft.ML.OnnxRuntime.
/// </summary>
public sealed class OnnxModelScorer : IDisposable
{
    private readonly MLContext _mlContext;
    private readonly ITransformer _model;

    /// <summary>Loads <paramref name="modelPath"/> for rows of <paramref name="featureCount"/> features.</summary>
    public OnnxModelScorer(MLContext mlContext, string modelPath, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"ONNX model '{modelPath}' not found.", modelPath);

        _mlContext = mlContext;
        InputSchema = SchemaDefinition.Create(typeof(FeaturesRow));
        InputSchema[nameof(FeaturesRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        // ApplyOnnxModel's Fit only reads the schema and opens the ONNX Runtime session: no rows are needed.
        var schemaOnly = mlContext.Data.LoadFromEnumerable(Array.Empty<FeaturesRow>(), InputSchema);
        _model = mlContext.Transforms.ApplyOnnxModel(modelPath).Fit(schemaOnly);
    }

    /// <summary>The schema of <see cref="FeaturesRow"/> with the vector's size, for PredictionEngine and LoadFromEnumerable.</summary>
    public SchemaDefinition InputSchema { get; }

    /// <summary>Adds the model's output columns to <paramref name="rows"/> (lazily, as any ML.NET transform).</summary>
    public IDataView Transform(IDataView rows) => _model.Transform(rows);

    /// <summary>A single-row engine over the same ONNX pipeline (not thread-safe: one per thread, or a PredictionEnginePool).</summary>
    public PredictionEngine<FeaturesRow, ScoredRow> CreatePredictionEngine() =>
        _mlContext.Model.CreatePredictionEngine<FeaturesRow, ScoredRow>(_model, inputSchemaDefinition: InputSchema);

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => (_model as IDisposable)?.Dispose();
}
