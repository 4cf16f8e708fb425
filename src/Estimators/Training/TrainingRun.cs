using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders.Training;

/// <summary>
/// The fit prologue every trainer shares, from a checked input view to a trained network: the input size, the
/// architecture, the seed, the native runtime and the rows in memory (<see cref="Start"/>); then, after any
/// preparation of <see cref="Data"/> in place (the detector standardizes it), the training loop (<see cref="Train"/>).
/// Owns the rows until disposed.
/// </summary>
internal sealed class TrainingRun(IHost host, IChannel channel, AutoencoderOptions options, NetworkDescription description, int seed, TrainingData data,
    TorchThreads threads) : IDisposable
{
    /// <summary>The network the options describe for the input column's size.</summary>
    public NetworkDescription Description { get; } = description;

    /// <summary>The seed of training: <c>options.Seed</c>, or one drawn from the host.</summary>
    public int Seed { get; } = seed;

    /// <summary>The training rows in memory; rows with non-finite values already left out (or rejected) and reported.</summary>
    public TrainingData Data { get; } = data;

    /// <summary>
    /// Describes the network for <paramref name="columnName"/> (a known-size vector of Single, checked by the caller; with
    /// an image shape, checked here first to hold that image, since a schema shape carries no size), fixes
    /// the seed, loads the native runtime, sets libtorch's thread count for the run and reads the rows. With <paramref name="resolve"/>, the options are first
    /// completed from the number of rows read and the input size (the detector's automatic defaults), so the network is
    /// described after the rows are read; without, before (a wrong architecture fails before any row is read).
    /// </summary>
    public static TrainingRun Start(IHost host, IChannel channel, IDataView input, string columnName, AutoencoderOptions options,
        Func<AutoencoderOptions, int, int, AutoencoderOptions>? resolve = null)
    {
        if (options.ImageShape is { } image)
            SchemaChecks.RequireImage(input.Schema, columnName, image);
        var inputSize = ((VectorDataViewType)input.Schema[columnName].Type).Size;
        var description = resolve is null ? AutoencoderArchitecture.Describe(options, columnName, inputSize, channel) : null;
        var seed = options.Seed ?? host.Rand.Next();
        TorchRuntime.EnsureLoaded();
        var threads = TorchThreads.Use(options.NumberOfThreads);
        TrainingData? data = null;
        try
        {
            data = TrainingData.Load(input, columnName, inputSize, options.SkipRowsWithNonFiniteValues, host.CheckAlive);
            data.ReportSkipped(channel, columnName);
            if (resolve is not null)
            {
                options = resolve(options, data.Rows, inputSize);
                description = AutoencoderArchitecture.Describe(options, columnName, inputSize, channel);
            }
            return new TrainingRun(host, channel, options, description!, seed, data, threads);
        }
        catch
        {
            data?.Dispose();
            threads.Dispose();
            throw;
        }
    }

    /// <summary>The options training runs with (completed by the resolver given to <see cref="Start"/>).</summary>
    public AutoencoderOptions Options => options;

    /// <summary>
    /// Logs what is trained — "a {Kind} <paramref name="what"/> {layers} on N rows<paramref name="detail"/> (seed S)",
    /// the layers as <c>784 -> [256, 128] -> 32</c> or <c>1 x 28 x 28 -> conv [32, 64] (64 x 7 x 7) -> 32</c> — runs
    /// the training loop on <see cref="Data"/> and returns the network with its history, for the model named
    /// <paramref name="ownerName"/> to own.
    /// </summary>
    public FittedNetwork Train(string what, string ownerName, string detail = "")
    {
        channel.Info($"Training a {options.Kind} {what} {Layers(Description)} on {Data.Rows} rows{detail} (seed {Seed}).");
        var trained = TrainingLoop.Train(Data, Description, options, Seed, channel, host.CheckAlive);
        return new FittedNetwork(trained.Network, ownerName, new TrainingHistory(trained.TrainingLoss, trained.ValidationLoss, Data.SkippedRows));
    }

    /// <summary>The network's layers for the log: input, hidden layers or convolution stages, code.</summary>
    internal static string Layers(NetworkDescription description) =>
        (description.Convolution is { } convolution
            ? convolution.ToString()
            : $"{description.InputSize} -> [{string.Join(", ", description.HiddenSizes)}]") + $" -> {description.LatentDimension}";

    /// <summary>Frees the rows and restores libtorch's thread count.</summary>
    public void Dispose()
    {
        Data.Dispose();
        threads.Dispose();
    }
}
