using MLNetAutoencoders.Networks;

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

    /// <summary>
    /// Trains the reference for <paramref name="epochs"/> epochs on the first <paramref name="rows"/> training rows; for a
    /// <paramref name="network"/> with a reference architecture (the convolutional one) the script builds that network and
    /// must report it and our parameter count (<see cref="NetworkDescription.ParameterCount"/>), or the run fails.
    /// </summary>
    public static PyTorchRun Train(int epochs, int latent, int seed, int rows, BenchmarkNetwork? network = null)
    {
        network ??= BenchmarkNetwork.Mlp;
        // Generous: PyTorch trains ~5k samples/s here (the MLP); a loaded machine can be several times slower, and the
        // convolutional network is slower still.
        var timeout = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(epochs * (double)rows / (network.IsConvolutional ? 100 : 500));
        List<string> keys = latent == 2
            ? ["train_samples_per_s", "encode_rows_per_s", "test_mse", "knn5_acc"]
            : ["train_samples_per_s", "encode_rows_per_s", "test_mse"];
        List<string> arguments = [epochs.ToString(), "ae", latent.ToString(), seed.ToString(), rows.ToString()];
        if (network.ReferenceArch is { } arch)
        {
            arguments.Add(arch);
            if (network.IsConvolutional)
                arguments.AddRange([string.Join(',', network.Channels),
                    BenchmarkNetwork.DenseLayers(latent) is { Length: > 0 } dense ? string.Join(',', dense) : "none"]);
            keys.Add("parameters");
        }
        var (values, output) = PythonReference.RunWithOutput(Script, arguments, timeout, [.. keys]);
        if ((int)values.GetValueOrDefault("train_rows") != rows || (int)values.GetValueOrDefault("seed") != seed)
            throw new InvalidOperationException($"{Script} reports train_rows {values.GetValueOrDefault("train_rows")}, seed {values.GetValueOrDefault("seed")}; expected {rows}, {seed}.");
        if (network.ReferenceArch is { } expectedArch)
            CheckSameNetwork(output, values["parameters"], expectedArch, network.Description(latent).ParameterCount);
        return new PyTorchRun(values["train_samples_per_s"], values["encode_rows_per_s"], values["test_mse"],
            values.TryGetValue("knn5_acc", out var knn) ? knn : null);
    }

    /// <summary>
    /// Fails unless the script's output has the line <c>arch {arch}</c> and its parameter count equals ours: the pairing of
    /// ours with the reference cannot drift silently.
    /// </summary>
    public static void CheckSameNetwork(string output, double parameters, string arch, long ours)
    {
        var printed = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("arch ", StringComparison.Ordinal));
        if (printed != $"arch {arch}")
            throw new InvalidOperationException($"{Script} built '{printed ?? "no arch line"}'; expected 'arch {arch}'.");
        if (parameters != ours)
            throw new InvalidOperationException(
                $"{Script} ({arch}) has {parameters} trainable parameters; ours has {ours}: the networks differ, so their figures are not paired.");
        Console.WriteLine($"  PyTorch {arch} network: {parameters:F0} parameters, as ours.");
    }
}
