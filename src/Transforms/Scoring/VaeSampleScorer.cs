using TorchSharp;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Sampling;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Scoring;

/// <summary>
/// Samples of a VAE for a batch of rows: z from the prior, the row's posterior or the row itself, decoded once per
/// batch; then the decoder mean or a draw from p(x|z). Every random value comes from <see cref="RowNoise"/> keyed by the
/// row's position, so a row's sample is the same in any batch.
/// </summary>
internal sealed class VaeSampleScorer : IBatchScorer
{
    /// <summary>Standard deviation of the Gaussian p(x|z) that the summed-squared-error reconstruction term implies.</summary>
    public static readonly float GaussianObservationStd = MathF.Sqrt(0.5f);

    private readonly AutoencoderNetwork network;
    private readonly DisposalGuard guard;
    private readonly VaeSamplingMode mode;
    private readonly VaeDecoderOutput output;
    private readonly float temperature;
    private readonly int seed;

    public VaeSampleScorer(AutoencoderNetwork network, DisposalGuard guard, VaeSamplingMode mode, VaeDecoderOutput output, float temperature,
        int seed, string outputColumn)
    {
        this.network = network;
        this.guard = guard;
        this.mode = mode;
        this.output = output;
        this.temperature = temperature;
        this.seed = seed;
        Outputs = new[] { new ScoredColumn(outputColumn, network.Description.InputSize) };
    }

    /// <summary>0 in Prior mode (no column is read), else the size of the vector each row supplies.</summary>
    public int InputSize => mode switch
    {
        VaeSamplingMode.Prior => 0,
        VaeSamplingMode.Posterior => network.Description.InputSize,
        _ => network.Description.LatentDimension,
    };

    public IReadOnlyList<ScoredColumn> Outputs { get; }

    public void Score(ReadOnlySpan<float> input, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
    {
        if (!active[0])
            return;
        using (guard.Enter())
        using (NewDisposeScope())
        using (no_grad())
        {
            var latent = network.Description.LatentDimension;
            var z = mode switch
            {
                VaeSamplingMode.Prior => LatentNoise(rows, latent, firstPosition),
                VaeSamplingMode.Posterior => Posterior(FromSpan(input, rows, InputSize), rows, firstPosition),
                _ => FromSpan(input, rows, latent),
            };
            TensorData.Read(network.Decode(z), outputs[0]);
        }
        if (output != VaeDecoderOutput.Mean)
            DrawObservations(outputs[0].AsSpan(0, rows * network.Description.InputSize), rows, firstPosition);
    }

    private Tensor Posterior(Tensor x, int rows, long firstPosition)
    {
        var encoded = network.EncoderOutput(x);
        var mean = network.Mean(encoded);
        if (temperature == 0)
            return mean;
        // An explicit Scalar kept alive over the native call: TorchSharp 0.107 leaves implicit ones to the finalizer,
        // which can free them mid-call when other threads allocate (scoring runs on many threads).
        using var half = 0.5.ToScalar();
        var std = network.LogVariance(encoded).mul(half).exp();
        return mean.Plus(std * LatentNoise(rows, network.Description.LatentDimension, firstPosition));
    }

    /// <summary>A [rows, latent] tensor of N(0, temperature²) values, row r keyed by position firstPosition + r.</summary>
    private Tensor LatentNoise(int rows, int latent, long firstPosition)
    {
        var noise = new float[rows * latent];
        if (temperature > 0)
            for (var r = 0; r < rows; r++)
                new RowNoise(seed, NoiseStream.Latent, firstPosition + r).FillNormal(noise.AsSpan(r * latent, latent), temperature);
        return tensor(noise, new long[] { rows, latent });
    }

    private void DrawObservations(Span<float> means, int rows, long firstPosition)
    {
        var width = network.Description.InputSize;
        var draws = output == VaeDecoderOutput.GaussianDraw ? new float[width] : null;
        for (var r = 0; r < rows; r++)
        {
            var row = means.Slice(r * width, width);
            var noise = new RowNoise(seed, NoiseStream.Observation, firstPosition + r);
            if (draws is not null)
            {
                noise.FillNormal(draws, GaussianObservationStd);
                for (var j = 0; j < width; j++)
                    row[j] += draws[j];
            }
            else
            {
                for (var j = 0; j < width; j++)
                    row[j] = noise.Uniform(j) < row[j] ? 1f : 0f;
            }
        }
    }

    private static Tensor FromSpan(ReadOnlySpan<float> values, int rows, int width)
    {
        var t = empty(rows, width);
        TensorData.Write(t, values[..(rows * width)]);
        return t;
    }
}
