namespace MLNetAutoencoders;

/// <summary>How training reads its rows (<see cref="AutoencoderOptions.DataMode"/>).</summary>
public enum TrainingDataMode
{
    /// <summary>
    /// In memory when the rows fit <see cref="AutoencoderOptions.MemoryBudgetBytes"/>, otherwise streaming. With a
    /// known row count the choice is made before any row is read (rows x features x 4 bytes against the budget); with
    /// an unknown count the rows are read into memory until they exceed the budget, then what was read is freed and
    /// training streams.
    /// </summary>
    Automatic = 0,

    /// <summary>Every row is read once into one native tensor; epochs shuffle it in memory. Fails when the rows do not fit in memory.</summary>
    InMemory = 1,

    /// <summary>
    /// Every epoch reads the view through a cursor (a shuffling cursor when the view can shuffle and the shuffle pool
    /// cannot hold every row) into a bounded shuffle pool of <see cref="AutoencoderOptions.ShufflePoolRows"/> rows, from
    /// which mini-batches are drawn at random; training holds at most the pool, one batch and (when they fit the
    /// budget) the validation rows. Non-finite rows are rejected or skipped as in memory; under a shuffling cursor the
    /// error names the first bad row met, by its row id (its position for ML.NET's in-memory and cached views).
    /// </summary>
    Streaming = 2,
}
