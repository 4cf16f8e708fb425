using System.Runtime.CompilerServices;
using TorchSharp;

namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>
/// xunit runs test classes in parallel, one per core. libtorch would give each of them a thread per core too,
/// and its spinning OpenMP workers then fight for the cores (epochs ran 30x slower under such oversubscription).
/// The tests' networks are tiny, so one intra-op thread each is both faster and stable.
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
