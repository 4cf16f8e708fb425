using MLNetAutoencoders.Networks;
using TorchSharp;
using TorchSharp.Modules;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>
/// Adam, AdamW and SGD with momentum, written against TorchSharp's in-place tensor ops with every Scalar
/// created explicitly and kept alive for as long as the native call that reads it. TorchSharp 0.107's own
/// optimizers convert numbers to Scalars implicitly; a garbage collection triggered by another thread can
/// finalize such a Scalar while libtorch still reads it (observed: "Expected false to be true ... toFloat"
/// inside Adam.step). The update rules are PyTorch's.
/// </summary>
internal sealed class GradientDescent : IDisposable
{
    private readonly OptimizerKind kind;
    private readonly IReadOnlyList<Parameter> parameters;
    private readonly double learningRate;
    private readonly double weightDecay;
    private readonly double beta1 = 0.9;
    private readonly double beta2 = 0.999;
    private readonly double epsilon = 1e-8;
    private readonly double momentum;
    private readonly List<Tensor> firstMoments = new();
    private readonly List<Tensor> secondMoments = new();
    private readonly Scalar beta1Scalar;
    private readonly Scalar oneMinusBeta1;
    private readonly Scalar beta2Scalar;
    private readonly Scalar oneMinusBeta2;
    private readonly Scalar momentumScalar;
    private readonly Scalar weightDecayScalar;
    private readonly Scalar decoupledDecay;
    private readonly Scalar negativeLearningRate;
    private long steps;

    public GradientDescent(OptimizerKind kind, IEnumerable<Parameter> parameters, double learningRate, double weightDecay, double momentum)
    {
        this.kind = kind;
        this.parameters = parameters.ToList();
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        beta1Scalar = beta1.ToScalar();
        oneMinusBeta1 = (1 - beta1).ToScalar();
        beta2Scalar = beta2.ToScalar();
        oneMinusBeta2 = (1 - beta2).ToScalar();
        momentumScalar = momentum.ToScalar();
        weightDecayScalar = weightDecay.ToScalar();
        decoupledDecay = (1 - learningRate * weightDecay).ToScalar();
        negativeLearningRate = (-learningRate).ToScalar();
        using var noGrad = no_grad();
        foreach (var p in this.parameters)
        {
            firstMoments.Add(zeros_like(p).DetachFromDisposeScope());
            if (kind != OptimizerKind.Sgd)
                secondMoments.Add(zeros_like(p).DetachFromDisposeScope());
        }
    }

    /// <summary>Clears the parameters' gradients.</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var p in parameters)
            p.grad?.zero_();
    }

    /// <summary>One update of every parameter from its gradient.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        steps++;
        var biasCorrection1 = 1 - Math.Pow(beta1, steps);
        var biasCorrection2 = 1 - Math.Pow(beta2, steps);
        using var negativeStepSize = (-learningRate / biasCorrection1).ToScalar();
        using var inverseSqrtCorrection2 = (1 / Math.Sqrt(biasCorrection2)).ToScalar();
        using var epsilonScalar = epsilon.ToScalar();
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var grad = p.grad;
            if (grad is null)
                continue;
            if (kind == OptimizerKind.Sgd)
            {
                if (weightDecay != 0)
                    grad = grad.add(p, alpha: weightDecayScalar);
                var buffer = firstMoments[i];
                if (steps == 1)
                    buffer.copy_(grad);
                else
                    buffer.mul_(momentumScalar).PlusInPlace(grad);
                p.add_(buffer, alpha: negativeLearningRate);
                continue;
            }
            if (kind == OptimizerKind.AdamW)
                p.mul_(decoupledDecay);
            else if (weightDecay != 0)
                grad = grad.add(p, alpha: weightDecayScalar);
            var m = firstMoments[i];
            var v = secondMoments[i];
            m.mul_(beta1Scalar).add_(grad, alpha: oneMinusBeta1);
            v.mul_(beta2Scalar).addcmul_(grad, grad, value: oneMinusBeta2);
            var denominator = v.sqrt().mul_(inverseSqrtCorrection2).PlusInPlace(epsilonScalar);
            p.addcdiv_(m, denominator, value: negativeStepSize);
        }
    }

    public void Dispose()
    {
        foreach (var t in firstMoments.Concat(secondMoments))
            t.Dispose();
        foreach (var s in new[] { beta1Scalar, oneMinusBeta1, beta2Scalar, oneMinusBeta2, momentumScalar, weightDecayScalar, decoupledDecay, negativeLearningRate })
            s.Dispose();
    }
}
