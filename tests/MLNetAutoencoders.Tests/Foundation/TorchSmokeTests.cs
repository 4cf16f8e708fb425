using MLNetAutoencoders.Native;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Foundation;

/// <summary>TorchSharp runs in the test process: the native fix works end to end.</summary>
public class TorchSmokeTests
{
    [Fact]
    public void ATinyModelTrainsAndItsLossDrops()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x = randn(256, 8);
        var y = x.matmul(randn(8, 1)) + 0.5f;
        var model = nn.Linear(8, 1);
        var optimizer = optim.Adam(model.parameters(), lr: 0.05);

        float Loss() => nn.functional.mse_loss(model.forward(x), y).item<float>();
        var initial = Loss();
        for (var step = 0; step < 200; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(model.forward(x), y).backward();
            optimizer.step();
        }

        Assert.True(Loss() < initial * 0.01f, $"loss {Loss()} did not fall below 1% of {initial}");
    }
}
