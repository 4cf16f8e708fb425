using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Validation;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>
/// The fit prologue every trainer shares, from a checked input view to a trained network: the input size, the
/// architecture, the seed, the native runtime, libtorch's thread count and the training rows, in memory or streamed
/// (<see cref="Start"/>); then, after any preparation of <see cref="Data"/> in place (the detector standardizes it),
/// the training loop (<see cref="Train"/>). Owns the rows until disposed.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private readonly IHost host;
    private readonly IChannel channel;
    private readonly TorchThreads threads;
    private readonly StreamingTrainingData? streaming;

    private TrainingRun(IHost host, IChannel channel, AutoencoderOptions options, NetworkDescription description, int seed,
        TrainingData? data, StreamingTrainingData? streaming, TorchThreads threads, long rows, FeatureMoments? moments)
    {
        Rows = rows;
        Moments = moments;
        this.host = host;
        this.channel = channel;
        Options = options;
        Description = description;
        Seed = seed;
        this.data = data;
        this.streaming = streaming;
        this.threads = threads;
    }

    private readonly TrainingData? data;

    /// <summary>The network the options describe for the input column's size.</summary>
    public NetworkDescription Description { get; }

    /// <summary>The seed of training: <c>options.Seed</c>, or one drawn from the host.</summary>
    public int Seed { get; }

    /// <summary>The options training runs with (completed by the resolver given to <see cref="Start"/>).</summary>
    public AutoencoderOptions Options { get; }

    /// <summary>The kept rows (training and validation); for streaming without a resolver, known after the first epoch only (0 before).</summary>
    public long Rows { get; }

    /// <summary>The kept rows' feature moments when <see cref="Start"/> was asked for them, else null.</summary>
    public FeatureMoments? Moments { get; }

    /// <summary>Whether the rows are streamed through cursors rather than held in memory.</summary>
    public bool IsStreaming => streaming is not null;

    /// <summary>
    /// The training rows in memory; rows with non-finite values already left out (or rejected) and reported. Only on
    /// the in-memory path.
    /// </summary>
    public TrainingData Data => data ?? throw new InvalidOperationException("The training rows are streamed, not in memory.");

    /// <summary>
    /// Describes the network for <paramref name="columnName"/> (a known-size vector of Single, checked by the caller; with
    /// an image shape, checked here first to hold that image, since a schema shape carries no size), fixes
    /// the seed, loads the native runtime, sets libtorch's thread count for the run and chooses the path
    /// (<see cref="AutoencoderOptions.DataMode"/>): reads the rows into memory, or prepares to stream them. With
    /// <paramref name="resolve"/>, the options are first completed from the number of rows read and the input size (the
    /// detector's automatic defaults), so the network is described after the rows are read (streaming: after a first
    /// pass that counts them); without, before (a wrong architecture fails before any row is read). With
    /// <paramref name="moments"/>, the kept rows' <see cref="Moments"/> are computed (streaming: in that first pass).
    /// </summary>
    public static TrainingRun Start(IHost host, IChannel channel, IDataView input, string columnName, AutoencoderOptions options,
        Func<AutoencoderOptions, int, int, AutoencoderOptions>? resolve = null, bool moments = false)
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
            var split = ValidationSplit.For(seed, options.ValidationFraction);
            var budget = MemoryBudget(options);
            var mode = options.DataMode;
            var statistics = moments ? new FeatureMoments(inputSize) : null;
            if (mode != TrainingDataMode.Streaming)
                data = TrainingData.TryLoad(input, columnName, inputSize, options.SkipRowsWithNonFiniteValues, host.CheckAlive, split,
                    mode == TrainingDataMode.Automatic ? budget : null);
            if (data is null)
            {
                var rows = new StreamingTrainingData(input, columnName, inputSize, options.SkipRowsWithNonFiniteValues, split, seed, budget,
                    options.ShufflePoolRows, host.CheckAlive, channel);
                channel.Info($"Training rows streamed through cursors ({(mode == TrainingDataMode.Streaming ? "DataMode = Streaming" : $"more than the memory budget of {budget:N0} bytes")}): " +
                             $"a shuffle pool of {rows.PoolCapacity:N0} rows of {inputSize}.");
                try
                {
                    long kept = 0;
                    if (resolve is not null || statistics is not null)
                        kept = rows.ScanRows(statistics is null ? null : statistics.Add);
                    if (resolve is not null)
                    {
                        options = resolve(options, (int)Math.Min(kept, int.MaxValue), inputSize);
                        description = AutoencoderArchitecture.Describe(options, columnName, inputSize, channel);
                    }
                    return new TrainingRun(host, channel, options, description!, seed, null, rows, threads, kept, statistics);
                }
                catch
                {
                    rows.Dispose();
                    throw;
                }
            }
            channel.Info($"Training rows in memory: {data.Rows:N0} rows of {inputSize} ({4L * data.Rows * inputSize:N0} bytes).");
            data.ReportSkipped(channel, columnName);
            if (statistics is not null)
                data.ForEachChunk((values, _) => statistics.AddRows(values));
            if (resolve is not null)
            {
                options = resolve(options, data.Rows, inputSize);
                description = AutoencoderArchitecture.Describe(options, columnName, inputSize, channel);
            }
            return new TrainingRun(host, channel, options, description!, seed, data, null, threads, data.Rows, statistics);
        }
        catch
        {
            data?.Dispose();
            threads.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies <paramref name="transform"/> (row-major rows in place) to every kept row before training: in memory at
    /// once, streamed as each row is read.
    /// </summary>
    public void Prepare(Action<Span<float>> transform)
    {
        if (streaming is not null)
            streaming.Prepare(transform);
        else
            Data.ForEachChunk((values, _) => transform(values));
    }

    /// <summary>
    /// Hands the kept rows, prepared, in view order to <paramref name="action"/>: in memory as one tensor, streamed as
    /// blocks of <paramref name="blockRows"/> rows read by one more cursor pass. A caller batching by
    /// <paramref name="blockRows"/> inside each call sees the same batches on both paths.
    /// </summary>
    public void ForEachRowBlock(int blockRows, Action<Tensor> action)
    {
        if (streaming is not null)
            streaming.ForEachRowBlock(blockRows, action);
        else
            action(Data.Tensor);
    }

    /// <summary><see cref="AutoencoderOptions.MemoryBudgetBytes"/>, or half of the memory available to the process.</summary>
    internal static long MemoryBudget(AutoencoderOptions options) =>
        options.MemoryBudgetBytes ?? Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>
    /// Logs what is trained — "a {Kind} <paramref name="what"/> {layers} on N rows<paramref name="detail"/> (seed S)",
    /// the layers as <c>784 -> [256, 128] -> 32</c> or <c>1 x 28 x 28 -> conv [32, 64] (64 x 7 x 7) -> 32</c> — runs
    /// the training loop on the rows and returns the network with its history, for the model named
    /// <paramref name="ownerName"/> to own.
    /// </summary>
    public FittedNetwork Train(string what, string ownerName, string detail = "")
    {
        var rowCount = data is not null ? $"{data.Rows} rows" : Rows > 0 ? $"{Rows} streamed rows" : "streamed rows";
        channel.Info($"Training a {Options.Kind} {what} {Layers(Description)} on {rowCount}{detail} (seed {Seed}).");
        TrainedNetwork trained;
        if (streaming is not null)
        {
            trained = TrainingLoop.Train(streaming, Description, Options, Seed, channel, host.CheckAlive);
            channel.Info($"Streaming: {streaming.CursorsOpened} cursor passes, {streaming.RowsRead:N0} rows read; " +
                         $"the shuffle pool held at most {streaming.PeakPoolRows:N0} of its {streaming.PoolCapacity:N0} rows.");
        }
        else
        {
            using var rows = new InMemoryTrainingRows(data!, Seed);
            trained = TrainingLoop.Train(rows, Description, Options, Seed, channel, host.CheckAlive);
        }
        var skipped = streaming?.SkippedRows ?? data!.SkippedRows;
        return new FittedNetwork(trained.Network, ownerName, new TrainingHistory(trained.TrainingLoss, trained.ValidationLoss, skipped));
    }

    /// <summary>The network's layers for the log: input, convolution stages if any, dense hidden layers, code.</summary>
    internal static string Layers(NetworkDescription description)
    {
        var dense = $"[{string.Join(", ", description.HiddenSizes)}]";
        return (description.Convolution is { } convolution
            ? description.HiddenSizes.Count > 0 ? $"{convolution} -> {dense}" : convolution.ToString()
            : $"{description.InputSize} -> {dense}") + $" -> {description.LatentDimension}";
    }

    /// <summary>Frees the rows and restores libtorch's thread count.</summary>
    public void Dispose()
    {
        data?.Dispose();
        streaming?.Dispose();
        threads.Dispose();
    }
}
