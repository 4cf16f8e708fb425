using System.Runtime.CompilerServices;
using TorchSharp;
using Xunit;

// Test classes run one after another. TorchSharp 0.107 converts numbers to native Scalars implicitly and
// frees them in finalizers; a garbage collection triggered by another thread's allocations can free such a
// Scalar while a native call still reads it (seen as "Expected false to be true ... toFloat" inside
// Adam.step when classes ran in parallel). Our own training code keeps its Scalars alive explicitly.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>
/// The tests' networks are tiny: one libtorch intra-op thread each is faster and stable, also on a machine
/// shared with other work (spinning OpenMP workers made epochs 30x slower under oversubscription).
/// </summary>
internal static class TestThreading
{
    [ModuleInitializer]
    internal static void OneTorchThreadPerTest()
    {
        try
        {
            torch.set_num_threads(1);
        }
        catch (TypeInitializationException)
        {
            // libtorch does not load: the torch smoke test reports why (TorchRuntime's diagnosis).
        }
    }
}
