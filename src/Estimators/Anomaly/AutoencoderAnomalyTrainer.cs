using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Training;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// Trains an autoencoder anomaly detector: standardizes the features (by default), trains an autoencoder of any
/// <see cref="AutoencoderKind"/> on the rows, which are assumed mostly normal, and sets the threshold from the
/// contamination rate. Create it with <c>mlContext.AnomalyDetection.Trainers.Autoencoder(...)</c>.
/// </summary>
public sealed class AutoencoderAnomalyTrainer : ITrainerEstimator<AutoencoderAnomalyPredictionTransformer, AutoencoderAnomalyModelParameters>
{
    private readonly IHost host;
    private readonly AutoencoderAnomalyOptions options;

    internal AutoencoderAnomalyTrainer(IHostEnvironment env, AutoencoderAnomalyOptions options)
    {
        (host, this.options) = EstimatorStart.Register(env, nameof(AutoencoderAnomalyTrainer), options, o => o.Clone(), AutoencoderAnomalyOptionsValidation.Validate);
    }

    /// <summary>A copy of the options this trainer trains with.</summary>
    public AutoencoderAnomalyOptions Options => options.Clone();

    /// <summary>The detector standardizes its features itself and reads its training rows itself (into memory, or streamed through cursors).</summary>
    public TrainerInfo Info { get; } = new(normalization: false, caching: false);

    /// <summary>
    /// Trains the detector on <paramref name="input"/> and sets its threshold; honours
    /// <c>mlContext.CancelExecution()</c> between batches.
    /// </summary>
    public AutoencoderAnomalyPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        using var channel = host.Start("Training autoencoder anomaly detector");
        using var run = TrainingRun.Start(host, channel, input, options.FeatureColumnName, options.Autoencoder, (autoencoder, rows, features) =>
        {
            var resolved = DetectorDefaults.Resolve(autoencoder, rows, features);
            AutoencoderOptionsValidation.ValidateNetworkAndTraining(resolved);
            return resolved;
        }, moments: options.StandardizesFeatures);
        var settings = run.Options;
        var standardization = options.StandardizesFeatures ? TrainingStatistics.FitStandardization(run.Moments!) : null;
        if (standardization is not null)
            run.Prepare(standardization.ApplyInPlace);
        var trained = run.Train("autoencoder anomaly detector", nameof(AutoencoderAnomalyModelParameters), standardization is null ? "" : ", standardized");

        var vaeScoring = run.Description.Bottleneck == BottleneckKind.Gaussian
            ? new VaeScoring(options.VaeScore, options.VaeScoringSamples, run.Seed, settings.Likelihood == VaeLikelihood.Bernoulli)
            : null;
        var model = trained.Into(network => new AutoencoderAnomalyModelParameters(network, standardization, vaeScoring));
        try
        {
            float[]? trainingScores = null;
            if (options.ScoresStructuralDissimilarity)
            {
                model = WithStructuralDissimilarity(run, model);
                var structure = model.StructuralDissimilarity!;
                channel.Info($"Structural dissimilarity: {structure.Window} x {structure.Window} neighbourhoods, data range {structure.DataRange:G5}.");
            }
            if (options.ScoreCodeDensity)
            {
                var (reconstruction, codes) = TrainingScoreParts(run, model);
                (var density, trainingScores) = CodeDensity.Fit(codes, reconstruction, run.Description.LatentDimension, options.CodeDensityReferenceRows, run.Seed,
                    unscaled => model.CodeDistances(unscaled, codes, settings.ScoringBatchSize, host.CheckAlive),
                    reconstructionInSpreadUnits: model.ScoresStructuralDissimilarity);
                model = model.WithCodeDensity(density);
                channel.Info($"Code density: distance to the {density.Neighbours}th nearest of {density.Rows} training codes.");
            }
            float threshold;
            float? contamination = null;
            if (options.Threshold is { } explicitThreshold)
            {
                threshold = explicitThreshold;
            }
            else
            {
                contamination = options.Contamination;
                var scores = trainingScores ?? TrainingScores(run, model);
                threshold = TrainingStatistics.Quantile(scores, 1 - options.Contamination);
                channel.Info($"Threshold {threshold:G5}: the {1 - options.Contamination:P1} quantile of the {scores.Length} training scores.");
            }
            return new AutoencoderAnomalyPredictionTransformer(host, model, options.FeatureColumnName, threshold, contamination, settings.ScoringBatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The scores of the kept training rows (one float per row: the threshold is their exact quantile, streamed or not),
    /// in view order, batched by the scoring batch size on both paths.
    /// </summary>
    private float[] TrainingScores(TrainingRun run, AutoencoderAnomalyModelParameters model)
    {
        var batch = run.Options.ScoringBatchSize;
        var scores = new List<float>(checked((int)run.Rows));
        run.ForEachRowBlock(batch, rows => scores.AddRange(model.ScoreStandardized(rows, batch, host.CheckAlive)));
        return scores.ToArray();
    }

    /// <summary>
    /// The image score's structural term fitted on the kept training rows: the data range L (largest minus smallest value),
    /// then each row's squared error and dissimilarity, whose interquartile ranges become the two terms' scales.
    /// </summary>
    private AutoencoderAnomalyModelParameters WithStructuralDissimilarity(TrainingRun run, AutoencoderAnomalyModelParameters model)
    {
        var image = run.Description.ImageShape ?? throw new InvalidOperationException("The structural dissimilarity needs an image network.");
        var batch = run.Options.ScoringBatchSize;
        float low = float.PositiveInfinity, high = float.NegativeInfinity;
        run.ForEachRowBlock(batch, rows =>
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            low = Math.Min(low, rows.min().item<float>());
            high = Math.Max(high, rows.max().item<float>());
        });
        var range = high - low is var r && r > 0 && float.IsFinite(r) ? r : 1f;
        var unscaled = new StructuralDissimilarity(image, StructuralDissimilarity.WindowFor(image), range, 1, 1);
        var squaredErrors = new List<float>(checked((int)run.Rows));
        var dissimilarities = new List<float>(checked((int)run.Rows));
        run.ForEachRowBlock(batch, rows =>
        {
            var (e, d) = model.StructureParts(rows, unscaled, batch, host.CheckAlive);
            squaredErrors.AddRange(e);
            dissimilarities.AddRange(d);
        });
        return model.WithStructuralDissimilarity(unscaled.WithScales(CodeDensity.Spread(squaredErrors.ToArray()), CodeDensity.Spread(dissimilarities.ToArray())));
    }

    /// <summary>The reconstruction scores and codes of the kept training rows, as <see cref="TrainingScores"/> reads them.</summary>
    private (float[] Reconstruction, float[] Codes) TrainingScoreParts(TrainingRun run, AutoencoderAnomalyModelParameters model)
    {
        var batch = run.Options.ScoringBatchSize;
        var reconstruction = new List<float>(checked((int)run.Rows));
        var codes = new List<float>();
        run.ForEachRowBlock(batch, rows =>
        {
            var (r, c) = model.ScoreParts(rows, batch, host.CheckAlive);
            reconstruction.AddRange(r);
            codes.AddRange(c);
        });
        return (reconstruction.ToArray(), codes.ToArray());
    }

    /// <summary>
    /// Checks that the feature column is a known-size vector of Single and describes the added <c>Score</c> and
    /// <c>PredictedLabel</c> columns, so a pipeline fails here, before any training starts.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.RequireSingleVector(inputSchema, options.FeatureColumnName);
        var result = inputSchema.ToDictionary(c => c.Name);
        result[DefaultColumnNames.Score] = new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false);
        result[DefaultColumnNames.PredictedLabel] = new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false);
        return new SchemaShape(result.Values);
    }
}
