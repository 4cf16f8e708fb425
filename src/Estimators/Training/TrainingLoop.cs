using System.Diagnostics;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>The fitted network and its loss history.</summary>
internal sealed record TrainedNetwork(AutoencoderNetwork Network, float[] TrainingLoss, float[] ValidationLoss);

/// <summary>
/// The one training loop: shuffled mini-batches from the rows in memory or streamed (<see cref="ITrainingRows"/>), one
/// dispose scope per batch, an optional validation split with early stopping that keeps the best weights, progress
/// after each epoch, and cancellation checked before each batch.
/// </summary>
internal static class TrainingLoop
{
    // TorchSharp initialises layers from its global generator: serialise seeding and construction.
    private static readonly object GlobalSeedLock = new();

    public static TrainedNetwork Train(ITrainingRows rows, NetworkDescription description, AutoencoderOptions options, int seed,
        IChannel channel, Action checkAlive)
    {
        AutoencoderNetwork network;
        lock (GlobalSeedLock)
        {
            manual_seed(seed);
            network = new AutoencoderNetwork(description);
        }

        var ok = false;
        var best = new Dictionary<string, Tensor>();
        try
        {
            using var generator = new Generator((ulong)seed);
            // Only salt-and-pepper corruption reads the feature range; streaming pays a pass over the view for it.
            var (featureMin, featureMax) = options is { Kind: AutoencoderKind.Denoising, Corruption: CorruptionKind.SaltAndPepper }
                ? rows.FeatureRange()
                : (zeros(1, rows.Features), zeros(1, rows.Features));
            using var featureMinOwner = featureMin;
            using var featureMaxOwner = featureMax;
            var objective = TrainingObjective.Create(network, options, options.NumberOfEpochs, featureMin, featureMax, generator);
            using var optimizer = new GradientDescent(options.Optimizer, network.parameters(), options.LearningRate, options.WeightDecay, options.Momentum);

            var trainingLoss = new List<float>();
            var validationLoss = new List<float>();
            var bestValidation = float.PositiveInfinity;
            var epochsWithoutImprovement = 0;
            var clock = Stopwatch.StartNew();
            // Streaming learns the row count in the first epoch; a batch never exceeds the training rows.
            var batchSize = (int)Math.Min(options.BatchSize, Math.Max(1, rows.TrainingRows == 0 ? options.BatchSize : rows.TrainingRows));
            for (var epoch = 0; epoch < options.NumberOfEpochs; epoch++)
            {
                network.train();
                double sum = 0;
                var batches = 0;
                rows.TrainEpoch(epoch, batchSize, generator, batch =>
                {
                    checkAlive();
                    optimizer.ZeroGrad();
                    var loss = objective.Loss(batch, epoch, deterministic: false);
                    loss.backward();
                    optimizer.Step();
                    sum += loss.item<float>();
                    batches++;
                });
                if (rows.TrainingRows == 0)
                    throw new InvalidOperationException(
                        $"{nameof(AutoencoderOptions.ValidationFraction)} = {options.ValidationFraction} held out all {rows.ValidationRows} rows for validation; none is left to train on. Lower it or add rows.");
                batchSize = (int)Math.Min(batchSize, rows.TrainingRows);
                var epochLoss = (float)(sum / batches);
                if (!float.IsFinite(epochLoss))
                    throw new InvalidOperationException(
                        $"Training diverged at epoch {epoch + 1} (loss {epochLoss}). Lower the learning rate or normalize the input column.");
                trainingLoss.Add(epochLoss);

                float? epochValidation = null;
                if (rows.ValidationRows > 0)
                {
                    epochValidation = Evaluate(network, objective, rows, epoch, batchSize);
                    validationLoss.Add(epochValidation.Value);
                    if (epochValidation.Value < bestValidation)
                    {
                        bestValidation = epochValidation.Value;
                        epochsWithoutImprovement = 0;
                        Snapshot(network, best);
                    }
                    else
                    {
                        epochsWithoutImprovement++;
                    }
                }

                var elapsed = clock.Elapsed;
                var remaining = TimeSpan.FromTicks(elapsed.Ticks / (epoch + 1) * (options.NumberOfEpochs - epoch - 1));
                channel.Info($"Autoencoder epoch {epoch + 1}/{options.NumberOfEpochs}: training loss {epochLoss:G5}" +
                             (epochValidation is { } v ? $", validation loss {v:G5}" : "") + $", {rows.RowsRead} rows read, {elapsed.TotalSeconds:F1}s elapsed, ~{remaining.TotalSeconds:F0}s left");
                options.Progress?.Report(new AutoencoderTrainingProgress(epoch + 1, options.NumberOfEpochs, epochLoss, epochValidation, elapsed, remaining)
                {
                    RowsRead = rows.RowsRead,
                });

                if (options.EarlyStoppingPatience > 0 && epochsWithoutImprovement >= options.EarlyStoppingPatience)
                {
                    channel.Info($"Autoencoder: early stopping after epoch {epoch + 1}; keeping the weights of the best validation loss {bestValidation:G5}.");
                    break;
                }
            }

            if (best.Count > 0)
                Restore(network, best);
            network.eval();
            ok = true;
            return new TrainedNetwork(network, trainingLoss.ToArray(), validationLoss.ToArray());
        }
        finally
        {
            foreach (var t in best.Values)
                t.Dispose();
            if (!ok)
                network.Dispose();
        }
    }

    private static float Evaluate(AutoencoderNetwork network, TrainingObjective objective, ITrainingRows rows, int epoch, int batchSize)
    {
        network.eval();
        using var noGrad = no_grad();
        double sum = 0;
        long count = 0;
        rows.ForEachValidationBatch(batchSize, batch =>
        {
            var size = batch.shape[0];
            sum += objective.Loss(batch, epoch, deterministic: true).item<float>() * size;
            count += size;
        });
        return (float)(sum / count);
    }

    private static void Snapshot(AutoencoderNetwork network, Dictionary<string, Tensor> best)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (best.Remove(name, out var old))
                old.Dispose();
            best[name] = parameter.detach().clone().DetachFromDisposeScope();
        }
    }

    private static void Restore(AutoencoderNetwork network, Dictionary<string, Tensor> best)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
            parameter.copy_(best[name]);
    }
}
