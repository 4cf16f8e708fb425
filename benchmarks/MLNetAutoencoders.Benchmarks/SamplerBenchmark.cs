using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Native;
using TorchSharp;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// VAE generation throughput: <see cref="VaeSamplerTransformer.Generate"/> in Prior mode, read through an ML.NET cursor,
/// against a raw batched TorchSharp decoder forward of the same network in the same process (torch.randn, decode, copy
/// the batch out to a managed array). The canonical VAE: 784-512-256 encoder, latent 32, mirrored decoder, ReLU, sigmoid
/// output; untrained weights (speed does not depend on them). Target: ours ≥ 70% of raw in every paired repeat
/// (<see cref="Verdict"/>); results in results/sampler.json.
/// </summary>
internal static class SamplerBenchmark
{
    private const string Usage = """
        Usage: sampler [--samples N] [--batch N] [--repeats N] [--threads N] [--results DIR]
          --samples N   samples generated per measurement (default 50,000)
          --batch N     rows per decoder call, ours and raw alike (default 1024)
          --repeats N   paired repeats (ours and raw back to back); median and min–max of the ratios (default 5)
          --threads N   torch.set_num_threads (default 2, the canonical setting)
          --attempts N  tries per timed sample while other processes use the CPU (default 4); then it is kept, flagged
          --results DIR where sampler.json goes (default benchmarks/results)
        """;


    private const double TargetRatio = 0.70;
    private static readonly int[] HiddenSizes = [512, 256];

    /// <summary>Runs the benchmark and writes sampler.json; <paramref name="args"/> are the options after the subcommand.</summary>
    public static int Run(string[] args)
    {
        int samples = 50_000, batch = 1024, repeats = 5, threads = 2;
        string? results = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Text() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Missing value after {args[i]}.\n{Usage}");
            int Next() => int.Parse(Text(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--samples": samples = Next(); break;
                case "--batch": batch = Next(); break;
                case "--repeats": repeats = Next(); break;
                case "--threads": threads = Next(); break;
                case "--attempts": Contention.MaxAttempts = Next(); break;
                case "--results": results = Text(); break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"Unknown option {args[i]}.\n{Usage}"); return 2;
            }
        }
        if (samples < 1 || batch < 1 || repeats < 1)
            throw new ArgumentOutOfRangeException(nameof(args), $"--samples, --batch and --repeats must be positive.\n{Usage}");

        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(threads);
        var report = new Report("sampler", ["sampler", .. args]);
#if DEBUG
        Console.WriteLine("WARNING: a Debug build; run with -c Release for figures worth reporting.");
#endif
        var description = new NetworkDescription(AutoencoderKind.Variational, 784, HiddenSizes, 32, Activation.Relu, Activation.Identity, Activation.Sigmoid);
        manual_seed(1);
        var network = new AutoencoderNetwork(description);
        using var sampler = new VaeSamplerTransformer(new FittedNetwork(network, "benchmark"),
            new VaeSamplerSettings("Features", "Sample", VaeSamplingMode.Prior, VaeDecoderOutput.Mean, Temperature: 1f, Seed: 1), batch);
        Console.WriteLine($"Sampler: {repeats} repeats x (ours, raw) of {samples:N0} Prior samples, batch {batch}, VAE 784-[512, 256]-32, " +
                          $"torch threads {torch.get_num_threads()}, {Environment.ProcessorCount} logical cores.");

        // Warm-up: first calls pay for lazy initialisation (kernels, allocator, JIT).
        OursSamplesPerSecond(sampler, Math.Min(samples, 2 * batch));
        RawSamplesPerSecond(network, Math.Min(samples, 2 * batch), batch);

        var pairs = new List<Pair>();
        for (var r = 0; r < repeats; r++)
        {
            // Back to back, alternating which goes first, so drift in machine load favours neither.
            (double Value, double Foreign) ours = default, raw = default;
            for (var side = 0; side < 2; side++)
            {
                if ((side + r) % 2 == 0)
                    ours = Contention.Sample("VaeSampler Generate", () => OursSamplesPerSecond(sampler, samples));
                else
                    raw = Contention.Sample("raw decoder", () => RawSamplesPerSecond(network, samples, batch));
            }
            pairs.Add(new Pair(ours.Value, raw.Value, $"repeat {r + 1}", Math.Max(ours.Foreign, raw.Foreign), RunRecord.LoadAverage()));
            Console.WriteLine($"  repeat {r + 1}: ours {ours.Value:N0} samples/s, raw {raw.Value:N0} samples/s, ratio {pairs[^1].Ratio:F3}");
        }
        report.Details["settings"] = new { samples, batch, repeats, network = "VAE 784-[512, 256]-32, untrained" };
        report.Add(Measurement.Paired("VaeSampler", $"Generate (Prior, batch {batch}) samples/s, {samples:N0} samples read through a cursor",
            "raw batched decoder forward (randn, decode, copy out)", pairs, Target.AtLeast(TargetRatio), minimumSamples: Verdict.MinimumRepeats));
        report.Finish(results ?? RepositoryPaths.Results);
        return 0;
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
        var latent = network.Description.LatentDimension;
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
}
