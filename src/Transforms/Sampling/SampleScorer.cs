using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Scoring;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Sampling;

/// <summary>
/// Samples of a VAE for a batch of rows: z from the prior, the row's posterior or the row itself, decoded once per
/// batch; then the decoder mean or a draw from p(x|z). Every random value comes from <see cref="RowNoise"/> keyed by the
/// row's position, so a row's sample is the same in any batch.
/// </summary>
internal sealed class SampleScorer : NetworkScorer
{
    /// <summary>Standard deviation of the Gaussian p(x|z) that the summed-squared-error reconstruction term implies.</summary>
    public static readonly float GaussianObservationStd = MathF.Sqrt(0.5f);

    private readonly VaeSamplingMode mode;
    private readonly VaeDecoderOutput output;
    private readonly float temperature;
    private readonly int seed;

    public SampleScorer(FittedNetwork network, VaeSamplingMode mode, VaeDecoderOutput output, float temperature, int seed, string outputColumn)
        : base(network)
    {
        this.mode = mode;
        this.output = output;
        this.temperature = temperature;
        this.seed = seed;
        Outputs = [new ScoredColumn(outputColumn, network.Description.InputSize)];
    }

    /// <summary>0 in Prior mode (no column is read), else the size of the vector each row supplies.</summary>
    public override int InputSize => mode switch
    {
        VaeSamplingMode.Prior => 0,
        VaeSamplingMode.Posterior => Network.Description.InputSize,
        _ => Network.Description.LatentDimension,
    };

    public override IReadOnlyList<ScoredColumn> Outputs { get; }

    protected override void ScoreBatch(Tensor? x, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
    {
        var module = Network.Module;
        var z = mode switch
        {
            VaeSamplingMode.Prior => LatentNoise(rows, firstPosition),
            VaeSamplingMode.Posterior => Posterior(module, x!, rows, firstPosition),
            _ => x!,
        };
        TensorData.Read(module.Decode(z), outputs[0]);
        if (output != VaeDecoderOutput.Mean)
            DrawObservations(outputs[0].AsSpan(0, rows * Network.Description.InputSize), rows, firstPosition);
    }

    private Tensor Posterior(AutoencoderNetwork module, Tensor x, int rows, long firstPosition)
    {
        var encoded = module.EncoderOutput(x);
        var mean = module.Mean(encoded);
        return temperature == 0 ? mean : NetworkMath.Reparameterise(mean, module.LogVariance(encoded), LatentNoise(rows, firstPosition));
    }

    /// <summary>A [rows, latent] tensor of N(0, temperature²) values, row r keyed by position firstPosition + r.</summary>
    private Tensor LatentNoise(int rows, long firstPosition)
    {
        var latent = Network.Description.LatentDimension;
        var noise = new float[rows * latent];
        if (temperature > 0)
            for (var r = 0; r < rows; r++)
                new RowNoise(seed, NoiseStream.Latent, firstPosition + r).FillNormal(noise.AsSpan(r * latent, latent), temperature);
        return tensor(noise, new long[] { rows, latent });
    }

    private void DrawObservations(Span<float> means, int rows, long firstPosition)
    {
        var width = Network.Description.InputSize;
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
}
