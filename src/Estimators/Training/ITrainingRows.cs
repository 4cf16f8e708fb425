using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>
/// Where the training loop gets its mini-batches and validation batches from: the rows in memory
/// (<see cref="InMemoryTrainingRows"/>) or a view read through cursors every epoch (<see cref="StreamingTrainingData"/>).
/// Both give the same batches, in the same order, when the streaming shuffle pool holds every training row.
/// </summary>
internal interface ITrainingRows
{
    /// <summary>Values per row.</summary>
    int Features { get; }

    /// <summary>Training rows (validation rows excluded) per epoch; for streaming known after the first epoch.</summary>
    long TrainingRows { get; }

    /// <summary>Validation rows; for streaming known after the first epoch.</summary>
    long ValidationRows { get; }

    /// <summary>Rows read from the view by this training so far (the in-memory path reads them once, before training).</summary>
    long RowsRead { get; }

    /// <summary>Feature-wise minimum and maximum ([1, features] each) over the training rows; the caller owns them.</summary>
    (Tensor Min, Tensor Max) FeatureRange();

    /// <summary>
    /// One epoch: calls <paramref name="step"/> with every mini-batch of up to <paramref name="batchSize"/> rows, each
    /// inside its own dispose scope, in an order drawn from <paramref name="generator"/> and the seed.
    /// </summary>
    void TrainEpoch(int epoch, int batchSize, Generator generator, Action<Tensor> step);

    /// <summary>Calls <paramref name="evaluate"/> with the validation rows in batches of <paramref name="batchSize"/>, in a fixed order, each inside its own dispose scope.</summary>
    void ForEachValidationBatch(int batchSize, Action<Tensor> evaluate);
}
