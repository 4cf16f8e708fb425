using MLNetAutoencoders.Native;
using MLNetAutoencoders.Persistence;

namespace MLNetAutoencoders.Networks;

/// <summary>What training reports besides the weights: the loss of each epoch and the rows left out.</summary>
/// <param name="TrainingLoss">Mean training objective of each epoch.</param>
/// <param name="ValidationLoss">Validation objective of each epoch; empty without validation data.</param>
/// <param name="SkippedTrainingRows">Training rows left out for NaN or infinity; null when not known (a loaded model).</param>
internal sealed record TrainingHistory(IReadOnlyList<float> TrainingLoss, IReadOnlyList<float> ValidationLoss, long? SkippedTrainingRows)
{
    /// <summary>No epochs recorded and no count known.</summary>
    public static readonly TrainingHistory None = new([], [], null);
}

/// <summary>
/// A trained network as every fitted model holds it: the module in evaluation mode, the guard that lets scoring
/// threads share it and makes disposal wait for them, and its training history; with the one way its parts are
/// written to and read from a model entry. The fitted transformers and the detector's model parameters each own one.
/// </summary>
internal sealed class FittedNetwork : IDisposable
{
    private readonly AutoencoderNetwork module;
    private readonly DisposalGuard guard;

    /// <summary>Takes ownership of <paramref name="module"/>; <paramref name="ownerName"/> names the owner in <see cref="ObjectDisposedException"/>.</summary>
    public FittedNetwork(AutoencoderNetwork module, string ownerName, TrainingHistory? history = null)
    {
        this.module = module;
        module.eval();
        guard = new DisposalGuard(ownerName, module.Dispose);
        History = history is null ? TrainingHistory.None : history with { TrainingLoss = history.TrainingLoss.ToArray(), ValidationLoss = history.ValidationLoss.ToArray() };
    }

    /// <summary>What the network is.</summary>
    public NetworkDescription Description => module.Description;

    /// <summary>The training history (loss per epoch, rows left out).</summary>
    public TrainingHistory History { get; }

    /// <summary>The module, for code that holds a lease or has just checked that it is not disposed.</summary>
    public AutoencoderNetwork Module
    {
        get
        {
            guard.ThrowIfDisposed();
            return module;
        }
    }

    /// <summary>Enters a section that uses the native weights; dispose the lease when done.</summary>
    public DisposalGuard.Lease Enter() => guard.Enter();

    /// <summary>Throws <see cref="ObjectDisposedException"/> once disposed.</summary>
    public void ThrowIfDisposed() => guard.ThrowIfDisposed();

    /// <summary>Frees the weights once no scoring section runs any more.</summary>
    public void Dispose() => guard.Dispose();

    /// <summary>
    /// Writes the description (a model entry's network header) in the current description version, which starts with
    /// its own version number: the entry's version stamp must be one that says so.
    /// </summary>
    public void WriteDescription(BinaryWriter writer) => module.Description.Write(writer, carriesVersion: true);

    /// <summary>Writes the loss histories (when <paramref name="withHistory"/>) and the weights: the end of a model entry.</summary>
    public void WriteWeights(BinaryWriter writer, bool withHistory)
    {
        if (withHistory)
        {
            ModelFormat.WriteFloats(writer, History.TrainingLoss);
            ModelFormat.WriteFloats(writer, History.ValidationLoss);
        }
        NetworkWeights.Write(writer, module);
    }

    /// <summary>
    /// Reads what <see cref="WriteWeights"/> wrote for a network of <paramref name="description"/>, checking sizes before
    /// allocating; a failure leaves nothing native behind.
    /// </summary>
    public static FittedNetwork ReadWeights(BinaryReader reader, NetworkDescription description, bool withHistory, string ownerName)
    {
        var history = withHistory
            ? new TrainingHistory(ModelFormat.ReadFloats(reader, "the training loss history"), ModelFormat.ReadFloats(reader, "the validation loss history"), null)
            : null;
        return new FittedNetwork(NetworkWeights.ReadNetwork(reader, description), ownerName, history);
    }

    /// <summary>Builds the model that will own this network; if that fails, the network is freed.</summary>
    public T Into<T>(Func<FittedNetwork, T> create)
    {
        try
        {
            return create(this);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Builds a loaded model around this network, as <see cref="Into{T}"/>; a model rejecting what the file holds
    /// (an <see cref="ArgumentException"/>) becomes a <see cref="FormatException"/>, as for every other invalid model file.
    /// </summary>
    public T IntoLoaded<T>(Func<FittedNetwork, T> create, string what) => Into(network =>
    {
        try
        {
            return create(network);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"Model file holds an invalid {what}: {ex.Message}", ex);
        }
    });
}
