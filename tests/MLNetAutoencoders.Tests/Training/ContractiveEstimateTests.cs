using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>
/// The contractive penalty on a convolutional encoder (1 x 6 x 6 images, one stage of 4 channels, code 3, 16 rows):
/// its random-projection estimate is unbiased for lambda * ||d code / d x||²_F and it trains the convolution itself.
/// </summary>
public class ContractiveEstimateTests(ITestOutputHelper output)
{
    private const float Lambda = 0.5f;
    private const int Rows = 16;

    private static AutoencoderNetwork Encoder()
    {
        manual_seed(4);
        return new AutoencoderNetwork(new NetworkDescription(AutoencoderKind.Contractive, 36, Array.Empty<int>(), 3,
            Activation.Tanh, Activation.Identity, Activation.Sigmoid, 0, ConvolutionLayout.Create(new ImageShape(1, 6, 6), [4])));
    }

    /// <summary>The batch training hands the penalty: the flat input requires grad and the code is computed from it.</summary>
    private static TrainingBatch Batch(AutoencoderNetwork network, Tensor rows)
    {
        var input = rows.detach().requires_grad_(true);
        var encoderOutput = network.EncoderOutput(input);
        var code = network.Code(encoderOutput);
        return new TrainingBatch(network, rows, input, encoderOutput, code, network.Decode(code), Epoch: 0, Deterministic: false);
    }

    // Exact: one backward pass per code unit gives row i's Jacobian row j (rows do not interact), so
    // lambda * mean over rows of sum over units of ||d code_j / d x_i||². The estimate, E_v ||vᵀJ||² with v ~ N(0, I),
    // averaged over 2,000 projections has a relative standard deviation below sqrt(2 / (16 * 2000)) = 0.8 %.
    [Fact]
    public void TheMeanPenaltyOverManyProjectionsIsTheExactJacobianNormOfTheConvolutionalEncoder()
    {
        using var scope = NewDisposeScope();
        using var network = Encoder();
        manual_seed(5);
        var rows = rand(Rows, 36);
        var batch = Batch(network, rows);

        var squaredNorm = 0.0;
        for (var j = 0; j < 3; j++)
        {
            var unit = autograd.grad(new[] { batch.Code.select(1, j).sum() }, new[] { batch.Input }, retain_graph: true)[0];
            squaredNorm += unit.square().sum().item<float>();
        }
        var exact = Lambda * squaredNorm / Rows;
        using var generator = new Generator(6);
        var estimate = 0.0;
        const int calls = 20;
        for (var call = 0; call < calls; call++)
        {
            using var callScope = NewDisposeScope();
            estimate += new ContractivePenalty(Lambda, projections: 100, generator).Compute(batch).item<float>() / calls;
        }

        output.WriteLine($"penalty over 2,000 projections {estimate}, exact lambda ||J||²_F {exact}");
        Assert.True(exact > 0);
        Assert.InRange(estimate / exact, 0.95, 1.05);
    }

    // The penalty is a function of the weights through J; with the vector-Jacobian product differentiable
    // (create_graph) it sends a gradient to every convolution weight even with no reconstruction term.
    [Fact]
    public void ThePenaltyAloneGivesTheConvolutionWeightsANonZeroGradient()
    {
        using var scope = NewDisposeScope();
        using var network = Encoder();
        manual_seed(5);
        var batch = Batch(network, rand(Rows, 36));
        using var generator = new Generator(6);

        var penalty = new ContractivePenalty(Lambda, projections: 1, generator).Compute(batch);
        Assert.True(penalty.requires_grad, "the penalty does not depend on the weights");
        penalty.backward();

        var convolution = network.ConvolutionLayers[0];
        var weightGradient = convolution.weight!.grad;
        Assert.NotNull(weightGradient);
        var norm = weightGradient!.norm().item<float>();
        output.WriteLine($"||d penalty / d conv weight|| {norm}; weight norm {convolution.weight.norm().item<float>()}");
        Assert.True(norm > 1e-6, $"gradient norm {norm}");
        Assert.True((weightGradient.abs().sum(new long[] { 1, 2, 3 }) > 0).all().item<bool>(), "a filter gets no gradient");
    }
}
