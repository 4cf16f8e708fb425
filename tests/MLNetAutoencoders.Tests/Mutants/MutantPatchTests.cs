using System.Diagnostics;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Mutants;

/// <summary>
/// tests/mutants/*.patch break one variant mechanism each (run by tests/mutants/run.sh, which shows a variant test
/// fails for every one). A patch that no longer applies proves nothing, so every one must apply to src as it is.
/// </summary>
public class MutantPatchTests
{
    public static TheoryData<string> Patches() =>
        new(Directory.GetFiles(Repository.Path("tests/mutants"), "*.patch").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Patches))]
    public void EveryMutantPatchAppliesToTheCurrentSource(string patch)
    {
        var check = new ProcessStartInfo("git", ["apply", "--check", Path.Combine("tests", "mutants", patch)])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var git = Process.Start(check)!;
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();

        Assert.True(git.ExitCode == 0, $"tests/mutants/{patch} no longer applies to src/ (update it to break the same mechanism): {error}");
    }

    [Fact]
    public void ThereIsAMutantForEveryVariantMechanism()
    {
        var names = Directory.GetFiles(Repository.Path("tests/mutants"), "*.patch").Select(Path.GetFileNameWithoutExtension).ToArray();

        foreach (var prefix in new[] { "sparse-l1", "sparse-kl", "contractive", "ksparse", "vae-kl", "vae-no-reparameterisation", "denoising", "corruption", "linear-hidden" })
            Assert.Contains(names, n => n!.StartsWith(prefix, StringComparison.Ordinal));
    }
}
