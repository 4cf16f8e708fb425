using MLNetAutoencoders.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>Our optimizers (explicit, kept-alive Scalars) follow PyTorch's update rules exactly as TorchSharp's do.</summary>
public class GradientDescentTests
{
    [Theory]
    [InlineData(OptimizerKind.Adam, 0.0)]
    [InlineData(OptimizerKind.Adam, 0.01)]
    [InlineData(OptimizerKind.AdamW, 0.01)]
    [InlineData(OptimizerKind.Sgd, 0.01)]
    public void TenStepsMatchTorchSharpsOwnOptimizer(OptimizerKind kind, double weightDecay)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var ours = nn.Linear(6, 3);
        var theirs = nn.Linear(6, 3);
        theirs.load_state_dict(ours.state_dict());
        var x = randn(32, 6);
        var y = randn(32, 3);
        using var descent = new GradientDescent(kind, ours.parameters(), 0.01, weightDecay, momentum: 0.9);
        var reference = kind switch
        {
            OptimizerKind.Adam => (optim.Optimizer)optim.Adam(theirs.parameters(), 0.01, weight_decay: weightDecay),
            OptimizerKind.AdamW => optim.AdamW(theirs.parameters(), 0.01, weight_decay: weightDecay),
            _ => optim.SGD(theirs.parameters(), 0.01, momentum: 0.9, weight_decay: weightDecay),
        };

        for (var step = 0; step < 10; step++)
        {
            descent.ZeroGrad();
            nn.functional.mse_loss(ours.forward(x), y).backward();
            descent.Step();
            reference.zero_grad();
            nn.functional.mse_loss(theirs.forward(x), y).backward();
            reference.step();
        }

        var a = ours.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        var b = theirs.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        for (var i = 0; i < a.Length; i++)
            Assert.Equal(b[i], a[i], 1e-5);
    }
}
