using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders;

/// <summary>
/// Trains a variational autoencoder on <c>Vae.InputColumnName</c> — or wraps a fitted one without retraining — and yields a
/// <see cref="VaeSamplerTransformer"/> that adds a sample column. Create it with <c>mlContext.Transforms.VaeSampler(...)</c>.
/// </summary>
public sealed class VaeSamplerEstimator : IEstimator<VaeSamplerTransformer>
{
    private readonly IHostEnvironment env;
    private readonly IHost host;
    private readonly VaeSamplerOptions options;

    internal VaeSamplerEstimator(IHostEnvironment env, VaeSamplerOptions options)
    {
        (host, this.options) = EstimatorStart.Register(env, nameof(VaeSamplerEstimator), options, o => o.Clone(), VaeSamplerOptionsValidation.Validate);
        this.env = env;
    }

    /// <summary>A copy of the options this estimator fits with.</summary>
    public VaeSamplerOptions Options => options.Clone();

    /// <summary>The column the sampler reads (not read in Prior mode).</summary>
    private string SamplerInputColumn => options.InputColumnName ?? (options.Mode == VaeSamplingMode.Decode
        ? options.Pretrained?.Columns.Embedding ?? options.Vae.OutputColumnName
        : options.Pretrained?.Columns.Input ?? options.Vae.InputColumnName);

    /// <summary>
    /// Trains the VAE on <paramref name="input"/> (or copies the pretrained one) and returns the sampler; honours
    /// <c>mlContext.CancelExecution()</c> during training.
    /// </summary>
    public VaeSamplerTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var settings = new VaeSamplerSettings(SamplerInputColumn, options.OutputColumnName, options.Mode, options.Output,
            options.Temperature, options.Seed ?? host.Rand.Next());
        if (options.Pretrained is { } pretrained)
            return VaeSamplerTransformer.FromEmbedding(pretrained, settings, options.ScoringBatchSize);
        using var vae = new AutoencoderEstimator(env, options.Vae).Fit(input);
        return VaeSamplerTransformer.FromEmbedding(vae, settings, options.ScoringBatchSize);
    }

    /// <summary>
    /// Checks the columns that training and sampling read — a known-size vector of Single each — and adds the sample column,
    /// so a pipeline fails here, before any training starts. Sizes are checked when the transformer sees the data.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (options.Pretrained is null)
            SchemaChecks.RequireSingleVector(inputSchema, options.Vae.InputColumnName, "the VAE is trained on it");
        if (options.Mode == VaeSamplingMode.Posterior)
            SchemaChecks.RequireSingleVector(inputSchema, SamplerInputColumn, "Posterior mode encodes it");
        if (options.Mode == VaeSamplingMode.Decode)
            SchemaChecks.RequireSingleVector(inputSchema, SamplerInputColumn, "Decode mode reads latent vectors from it");
        var result = inputSchema.ToDictionary(c => c.Name);
        result[options.OutputColumnName] = new SchemaShape.Column(options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(result.Values);
    }
}
