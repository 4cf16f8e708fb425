using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// VAE generation throughput: <see cref="VaeSamplerTransformer.Generate"/> in Prior mode, read through an ML.NET cursor,
/// against a raw batched TorchSharp decoder forward of the same network in the same process (torch.randn, decode, copy
/// the batch out to a managed array). The canonical VAE: 784-512-256 encoder, latent 32, mirrored decoder, ReLU, sigmoid
/// output; untrained weights (speed does not depend on them). Target: ours ≥ 70% of raw, medians over the repeats.
/// </summary>
internal static class SamplerBenchmark
{
    private const string Usage = """
        Usage: sampler [--samples N] [--batch N] [--repeats N] [--threads N]
          --samples N   samples generated per measurement (default 50,000)
          --batch N     rows per decoder call, ours and raw alike (default 1024)
          --repeats N   repeats of each measurement; medians are reported (default 3)
          --threads N   torch.set_num_threads (default: leave as set)
        """;

    private const double Target = 0.70;
    private static readonly int[] HiddenSizes = [512, 256];

    /// <summary>Runs the benchmark and prints a Markdown table row; <paramref name="args"/> are the options after the subcommand.</summary>
    public static void Run(string[] args)
    {
        int samples = 50_000, batch = 1024, repeats = 3;
        int? threads = null;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => i + 1 < args.Length ? int.Parse(args[++i], CultureInfo.InvariantCulture) : throw new ArgumentException($"Missing value after {args[i]}.\n{Usage}");
            switch (args[i])
            {
                case "--samples": samples = Next(); break;
                case "--batch": batch = Next(); break;
                case "--repeats": repeats = Next(); break;
                case "--threads": threads = Next(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}");
            }
        }
        if (samples < 1 || batch < 1 || repeats < 1)
            throw new ArgumentOutOfRangeException(nameof(args), $"--samples, --batch and --repeats must be positive.\n{Usage}");

        TorchRuntime.EnsureLoaded();
        if (threads is { } n)
            torch.set_num_threads(n);
#if DEBUG
        Console.WriteLine("WARNING: a Debug build; run with -c Release for figures worth reporting.");
#endif
        var description = new NetworkDescription(AutoencoderKind.Variational, 784, HiddenSizes, 32, Activation.Relu, Activation.Identity, Activation.Sigmoid);
        manual_seed(1);
        var network = new AutoencoderNetwork(description);
        using var sampler = new VaeSamplerTransformer(network,
            new VaeSamplerSettings("Features", "Sample", VaeSamplingMode.Prior, VaeDecoderOutput.Mean, Temperature: 1f, Seed: 1), batch);
        Console.WriteLine($"Sampler: {repeats} repeats x (ours, raw) of {samples:N0} Prior samples, batch {batch}, VAE 784-[512, 256]-32, " +
                          $"torch threads {torch.get_num_threads()}, {Environment.ProcessorCount} logical cores.");

        // Warm-up: first calls pay for lazy initialisation (kernels, allocator, JIT).
        OursSamplesPerSecond(sampler, Math.Min(samples, 2 * batch));
        RawSamplesPerSecond(network, Math.Min(samples, 2 * batch), batch);

        var ours = new List<double>();
        var raw = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            // Alternate the order so drift in machine load does not favour one side.
            if (r % 2 == 0)
            {
                ours.Add(OursSamplesPerSecond(sampler, samples));
                raw.Add(RawSamplesPerSecond(network, samples, batch));
            }
            else
            {
                raw.Add(RawSamplesPerSecond(network, samples, batch));
                ours.Add(OursSamplesPerSecond(sampler, samples));
            }
            Console.WriteLine($"  repeat {r + 1}: ours {ours[^1]:N0} samples/s, raw {raw[^1]:N0} samples/s");
        }

        var oursMedian = Median(ours);
        var rawMedian = Median(raw);
        var ratio = oursMedian / rawMedian;
        Console.WriteLine();
        Console.WriteLine("| Benchmark | Ours (samples/s) | Raw TorchSharp decoder (samples/s) | Ratio | Target | Result |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| VaeSampler Generate, Prior, batch {batch}, {samples:N0} samples | {oursMedian:N0} | {rawMedian:N0} | {ratio:F3} | ≥ {Target:F2} | {(ratio >= Target ? "PASS" : "FAIL")} |"));
    }

    /// <summary>Reads every row of <c>Generate(samples)</c> through a cursor and its getter, as a consumer would.</summary>
    private static double OursSamplesPerSecond(VaeSamplerTransformer sampler, int samples)
    {
        var clock = Stopwatch.StartNew();
        var view = sampler.Generate(samples);
        var column = view.Schema["Sample"];
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var value = default(VBuffer<float>);
        var rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows++;
        }
        if (rows != samples)
            throw new InvalidOperationException($"Generate yielded {rows} rows; expected {samples}.");
        return samples / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The hand-written yardstick: z = randn(batch, 32), decode, copy the batch out; one dispose scope per batch.</summary>
    private static double RawSamplesPerSecond(AutoencoderNetwork network, int samples, int batch)
    {
        var latent = network.Description.LatentSize;
        var output = new float[batch * network.Description.InputSize];
        var clock = Stopwatch.StartNew();
        using (no_grad())
        {
            for (var start = 0; start < samples; start += batch)
            {
                using var scope = NewDisposeScope();
                var z = randn(Math.Min(batch, samples - start), latent);
                network.Decode(z).data<float>().CopyTo(output, 0, 0);
            }
        }
        return samples / clock.Elapsed.TotalSeconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
