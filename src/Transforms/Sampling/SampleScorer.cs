using Microsoft.ML.Model.OnnxConverter;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Onnx;
using MLNetAutoencoders.Scoring;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Sampling;

/// <summary>
/// Samples of a VAE for a batch of rows: z from the prior, the row's posterior or the row itself, decoded once per
/// batch; then the decoder mean or a draw from p(x|z). Every random value comes from <see cref="RowNoise"/> keyed by the
/// row's position, so a row's sample is the same in any batch. Only its deterministic configurations export to ONNX:
/// Decode mode and Posterior mode at temperature 0, both with the Mean output.
/// </summary>
internal sealed class SampleScorer : NetworkScorer, IOnnxScorer
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

    /// <summary>
    /// True for the deterministic configurations; throws for every other one, naming the column and the reason, since
    /// ONNX has no noise keyed by seed and row position like <see cref="RowNoise"/> (RandomNormal draws differ per call
    /// and per runtime): an exported graph would not give this transformer's samples.
    /// </summary>
    public bool CanSaveOnnx(OnnxContext ctx)
    {
        var reason = NotExportableReason();
        if (reason is not null)
            throw new InvalidOperationException(
                $"ONNX export: column '{Outputs[0].Name}' of the VaeSampler (Mode = {mode}, Output = {output}, Temperature = {temperature}) " +
                $"cannot be exported: {reason} Only Decode mode, or Posterior mode with Temperature = 0, with the Mean output is exported.");
        ctx.CheckOpSetVersion(OnnxNetworkWriter.MinimumOpSet, nameof(VaeSamplerTransformer));
        return true;
    }

    public void SaveAsOnnx(OnnxContext ctx, string input, IReadOnlyList<string> outputs)
    {
        using var lease = Network.Enter();
        var writer = new OnnxNetworkWriter(ctx, Network.Module, Outputs[0].Name);
        var z = mode == VaeSamplingMode.Posterior ? writer.Code(writer.EncoderOutput(input)) : input;
        writer.Assign(writer.Decode(z), outputs[0]);
    }

    private string? NotExportableReason()
    {
        const string noise = "ONNX cannot reproduce the sampler's noise, which is keyed by the seed and the row's position.";
        if (mode == VaeSamplingMode.Prior)
            return "Prior mode reads no input column (a graph needs one) and draws z from that noise; " + noise;
        if (mode == VaeSamplingMode.Posterior && temperature != 0)
            return "Posterior mode with Temperature > 0 draws z around the posterior mean; " + noise;
        if (output != VaeDecoderOutput.Mean)
            return $"the {output} output draws each feature from p(x|z); " + noise;
        return null;
    }
}
