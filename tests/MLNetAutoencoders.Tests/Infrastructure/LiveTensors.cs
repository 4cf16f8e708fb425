using TorchSharp;

namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>TorchSharp's count of tensors alive on the calling thread (its statistics are per thread).</summary>
public static class LiveTensors
{
    /// <summary>Tensors created on this thread and not yet disposed.</summary>
    public static long OnThisThread => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
}
