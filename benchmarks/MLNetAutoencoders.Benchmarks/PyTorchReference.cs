namespace MLNetAutoencoders.Benchmarks;

/// <summary>One run of benchmarks/reference/pytorch_fmnist_ae.py.</summary>
/// <param name="TrainSamplesPerSecond">Training samples/s over the epochs after the first.</param>
/// <param name="EncodeRowsPerSecond">Encoder forward over the test set, batch 1024, no grad, 3 passes.</param>
/// <param name="TestMse">Test reconstruction MSE after training.</param>
/// <param name="Knn5Accuracy">5-NN test accuracy of the code (latent 2 only).</param>
internal sealed record PyTorchRun(double TrainSamplesPerSecond, double EncodeRowsPerSecond, double TestMse, double? Knn5Accuracy);

/// <summary>
/// The PyTorch version of FMNIST-MLP-32, run by <see cref="PythonReference"/> in the same run as our measurement,
/// on the same rows, with the same seed number and epochs. Missing Python, torch or data is an error.
/// </summary>
internal static class PyTorchReference
{
    public const string Script = "pytorch_fmnist_ae.py";
    public const string Name = "PyTorch 1.13 (Debian python3-torch, same run)";

    /// <summary>Fails (with what to install) unless the interpreter, its modules and the full Fashion-MNIST are present.</summary>
    public static void Require(BenchmarkData data)
    {
        PythonReference.Require("numpy", "torch", "sklearn.neighbors");
        if (data.Train.IsEmbeddedSubset)
            throw new InvalidOperationException(
                "The PyTorch reference trains on the full Fashion-MNIST, which is not installed (apt-get install -y dataset-fashion-mnist); " +
                "our figures on the embedded subset would not be comparable.");
    }

    /// <summary>Trains the reference for <paramref name="epochs"/> epochs on the first <paramref name="rows"/> training rows.</summary>
    public static PyTorchRun Train(int epochs, int latent, int seed, int rows)
    {
        // Generous: PyTorch trains ~5k samples/s here; a loaded machine can be several times slower.
        var timeout = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(epochs * (double)rows / 500);
        string[] keys = latent == 2
            ? ["train_samples_per_s", "encode_rows_per_s", "test_mse", "knn5_acc"]
            : ["train_samples_per_s", "encode_rows_per_s", "test_mse"];
        var values = PythonReference.Run(Script, [epochs.ToString(), "ae", latent.ToString(), seed.ToString(), rows.ToString()], timeout, keys);
        if ((int)values.GetValueOrDefault("train_rows") != rows || (int)values.GetValueOrDefault("seed") != seed)
            throw new InvalidOperationException($"{Script} reports train_rows {values.GetValueOrDefault("train_rows")}, seed {values.GetValueOrDefault("seed")}; expected {rows}, {seed}.");
        return new PyTorchRun(values["train_samples_per_s"], values["encode_rows_per_s"], values["test_mse"],
            values.TryGetValue("knn5_acc", out var knn) ? knn : null);
    }
}
