using System.Diagnostics;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>The fitted network and its loss history.</summary>
internal sealed record TrainedNetwork(AutoencoderNetwork Network, float[] TrainingLoss, float[] ValidationLoss);

/// <summary>
/// The one training loop: shuffled mini-batches over an in-memory tensor, one dispose scope per batch, an
/// optional validation split with early stopping that keeps the best weights, progress after each epoch,
/// and cancellation checked before each batch.
/// </summary>
internal static class TrainingLoop
{
    // TorchSharp initialises layers from its global generator: serialise seeding and construction.
    private static readonly object GlobalSeedLock = new();

    public static TrainedNetwork Train(TrainingData data, NetworkDescription description, AutoencoderOptions options, int seed,
        IChannel channel, Action checkAlive)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, data.Rows).ToArray();
        random.Shuffle(order);
        var validationRows = (int)Math.Floor(data.Rows * options.ValidationFraction);
        var trainRows = data.Rows - validationRows;

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
            // The training rows are never copied: batches gather them from the data tensor through the shuffled order
            // (the same rows, in the same order, as gathering from a shuffled copy). Only the validation rows are copied.
            var all = data.Tensor;
            using var trainIndex = tensor(order.Take(trainRows).Select(i => (long)i).ToArray());
            Tensor? validation = null;
            if (validationRows > 0)
            {
                using var validationIndex = tensor(order.Skip(trainRows).Select(i => (long)i).ToArray());
                validation = all.index_select(0, validationIndex);
            }
            using var validationOwner = validation;
            var (featureMin, featureMax) = FeatureRange(all, trainIndex, validationRows > 0);
            using var featureMinOwner = featureMin;
            using var featureMaxOwner = featureMax;
            var objective = TrainingObjective.Create(network, options, options.NumberOfEpochs, featureMin, featureMax, generator);
            using var optimizer = new GradientDescent(options.Optimizer, network.parameters(), options.LearningRate, options.WeightDecay, options.Momentum);

            var trainingLoss = new List<float>();
            var validationLoss = new List<float>();
            var bestValidation = float.PositiveInfinity;
            var epochsWithoutImprovement = 0;
            var clock = Stopwatch.StartNew();
            var batchSize = Math.Min(options.BatchSize, trainRows);
            for (var epoch = 0; epoch < options.NumberOfEpochs; epoch++)
            {
                network.train();
                using var permutation = randperm(trainRows, generator: generator);
                using var epochOrder = trainIndex.index_select(0, permutation);
                double sum = 0;
                var batches = 0;
                for (var start = 0; start < trainRows; start += batchSize)
                {
                    checkAlive();
                    using var scope = NewDisposeScope();
                    var batch = all.index_select(0, epochOrder.narrow(0, start, Math.Min(batchSize, trainRows - start)));
                    optimizer.ZeroGrad();
                    var loss = objective.Loss(batch, epoch, deterministic: false);
                    loss.backward();
                    optimizer.Step();
                    sum += loss.item<float>();
                    batches++;
                }
                var epochLoss = (float)(sum / batches);
                if (!float.IsFinite(epochLoss))
                    throw new InvalidOperationException(
                        $"Training diverged at epoch {epoch + 1} (loss {epochLoss}). Lower the learning rate or normalize the input column.");
                trainingLoss.Add(epochLoss);

                float? epochValidation = null;
                if (validation is not null)
                {
                    epochValidation = Evaluate(network, objective, validation, epoch, batchSize);
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
                             (epochValidation is { } v ? $", validation loss {v:G5}" : "") + $", {elapsed.TotalSeconds:F1}s elapsed, ~{remaining.TotalSeconds:F0}s left");
                options.Progress?.Report(new AutoencoderTrainingProgress(epoch + 1, options.NumberOfEpochs, epochLoss, epochValidation, elapsed, remaining));

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

    /// <summary>
    /// Feature-wise minimum and maximum ([1, features] each) over the training rows; without a validation split those
    /// are all rows, else they are gathered in chunks so that no copy of the training rows is made.
    /// </summary>
    private static (Tensor Min, Tensor Max) FeatureRange(Tensor all, Tensor trainIndex, bool subset)
    {
        if (!subset)
            return (all.amin(new long[] { 0 }, keepdim: true), all.amax(new long[] { 0 }, keepdim: true));
        const int chunk = 8192;
        Tensor? min = null, max = null;
        var rows = trainIndex.shape[0];
        for (long start = 0; start < rows; start += chunk)
        {
            using var scope = NewDisposeScope();
            var part = all.index_select(0, trainIndex.narrow(0, start, Math.Min(chunk, rows - start)));
            var partMin = part.amin(new long[] { 0 }, keepdim: true);
            var partMax = part.amax(new long[] { 0 }, keepdim: true);
            var newMin = min is null ? partMin : minimum(min, partMin);
            var newMax = max is null ? partMax : maximum(max, partMax);
            min?.Dispose();
            max?.Dispose();
            min = newMin.DetachFromDisposeScope();
            max = newMax.DetachFromDisposeScope();
        }
        return (min!, max!);
    }

    private static float Evaluate(AutoencoderNetwork network, TrainingObjective objective, Tensor data, int epoch, int batchSize)
    {
        network.eval();
        using var noGrad = no_grad();
        double sum = 0;
        var rows = data.shape[0];
        for (long start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batchSize, rows - start);
            sum += objective.Loss(data.narrow(0, start, count), epoch, deterministic: true).item<float>() * count;
        }
        return (float)(sum / rows);
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
