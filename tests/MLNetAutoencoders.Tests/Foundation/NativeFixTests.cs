using MLNetAutoencoders.Build;
using Xunit;

namespace MLNetAutoencoders.Tests.Foundation;

/// <summary>The build step that lets TorchSharp's bridge load where libstdc++ predates GCC 13.</summary>
public class NativeFixTests
{
    private const string Glibcxx32 = ElfVersionNeedPatcher.TorchSharpMissingVersion;

    private static string PristineBridge()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void ThePackagedBridgeRequiresGlibcxx3432Strongly()
    {
        var flags = ElfVersionNeedPatcher.ReadVersionNeedFlags(File.ReadAllBytes(PristineBridge()));

        Assert.True(flags.ContainsKey(Glibcxx32));
        Assert.Equal(0, flags[Glibcxx32] & ElfVersionNeedPatcher.VerFlagWeak);
    }

    [Fact]
    public void MarkingWeakChangesOnlyThatRequirementsFlagsAndIsIdempotent()
    {
        var original = File.ReadAllBytes(PristineBridge());
        var copy = Path.Combine(Path.GetTempPath(), $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(copy, original);
        try
        {
            Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MarkWeak(copy, Glibcxx32));
            var once = File.ReadAllBytes(copy);
            Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.MarkWeak(copy, Glibcxx32));
            Assert.Equal(once, File.ReadAllBytes(copy));

            var before = ElfVersionNeedPatcher.ReadVersionNeedFlags(original);
            var after = ElfVersionNeedPatcher.ReadVersionNeedFlags(once);
            Assert.Equal(before.Keys.OrderBy(k => k), after.Keys.OrderBy(k => k));
            foreach (var (name, flags) in before)
                Assert.Equal(name == Glibcxx32 ? flags | ElfVersionNeedPatcher.VerFlagWeak : flags, after[name]);
            Assert.Equal(original.Length, once.Length);
            Assert.Equal(1, original.Zip(once).Count(pair => pair.First != pair.Second));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void AVersionTheLibraryDoesNotRequireIsLeftAlone()
    {
        var bytes = File.ReadAllBytes(PristineBridge());
        var copy = (byte[])bytes.Clone();

        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionNeedPatcher.MarkWeak(copy, "GLIBCXX_9.9.99"));
        Assert.Equal(bytes, copy);
    }

    [Fact]
    public void AFileThatIsNotElfIsRejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MarkWeak(new byte[128], Glibcxx32));
        Assert.Contains("Not an ELF file", ex.Message);
    }

    [Fact]
    public void TheTestOutputFoldersBridgeIsPatchedUnlessTheSystemLibStdCxxIsNewEnough()
    {
        var bridge = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(bridge), $"expected TorchSharp's bridge beside the tests at {bridge}");
        var flags = ElfVersionNeedPatcher.ReadVersionNeedFlags(File.ReadAllBytes(bridge));

        var expectWeak = !ElfVersionNeedPatcher.SystemLibStdCxxProvides(Glibcxx32);
        Assert.Equal(expectWeak, (flags[Glibcxx32] & ElfVersionNeedPatcher.VerFlagWeak) != 0);
    }
}
