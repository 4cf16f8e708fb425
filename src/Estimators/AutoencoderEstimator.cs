using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Training;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders;

/// <summary>
/// Trains an autoencoder of any <see cref="AutoencoderKind"/> on a vector column with TorchSharp and yields an
/// <see cref="AutoencoderEmbeddingTransformer"/>. Create it with <c>mlContext.Transforms.Autoencoder(...)</c>.
/// </summary>
public sealed class AutoencoderEstimator : IEstimator<AutoencoderEmbeddingTransformer>
{
    private readonly IHost host;
    private readonly AutoencoderOptions options;

    internal AutoencoderEstimator(IHostEnvironment env, AutoencoderOptions options)
    {
        (host, this.options) = EstimatorStart.Register(env, nameof(AutoencoderEstimator), options, o => o.Clone(), AutoencoderOptionsValidation.Validate);
    }

    /// <summary>A copy of the options this estimator trains with.</summary>
    public AutoencoderOptions Options => options.Clone();

    /// <summary>Trains the network on <paramref name="input"/>; honours <c>mlContext.CancelExecution()</c> between batches.</summary>
    public AutoencoderEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        using var channel = host.Start("Training autoencoder");
        using var run = TrainingRun.Start(host, channel, input, options.InputColumnName, options);
        var columns = new AutoencoderColumns(options.InputColumnName, options.OutputColumnName, options.ReconstructionColumnName, options.ReconstructionErrorColumnName);
        return run.Train("autoencoder", nameof(AutoencoderEmbeddingTransformer))
            .Into(network => new AutoencoderEmbeddingTransformer(network, columns, options.ScoringBatchSize));
    }

    /// <summary>
    /// Checks that the input column is a known-size vector of Single and describes the added columns, so a
    /// pipeline fails here, before any training starts.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.RequireSingleVector(inputSchema, options.InputColumnName);

        var result = inputSchema.ToDictionary(c => c.Name);
        void Add(string? output, SchemaShape.Column.VectorKind kind)
        {
            if (output is not null)
                result[output] = new SchemaShape.Column(output, kind, NumberDataViewType.Single, false);
        }
        Add(options.OutputColumnName, SchemaShape.Column.VectorKind.Vector);
        Add(options.ReconstructionColumnName, SchemaShape.Column.VectorKind.Vector);
        Add(options.ReconstructionErrorColumnName, SchemaShape.Column.VectorKind.Scalar);
        return new SchemaShape(result.Values);
    }
}
