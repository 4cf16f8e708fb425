using MLNetAutoencoders.Samples.Gallery;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public class SampleArgumentsTests
{
    [Fact]
    public void WithoutArgumentsASampleWritesToOutSlashItsNameWithItsOwnDefaults()
    {
        Assert.True(SampleArguments.TryParse([], "KSparseFilters", out var settings, out var error));

        Assert.Null(error);
        Assert.Equal(Path.Combine("out", "ksparsefilters"), settings.OutputDirectory);
        Assert.Null(settings.Epochs);
        Assert.Null(settings.Rows);
        Assert.Null(settings.DataDirectory);
    }

    [Fact]
    public void ReadsOutputEpochsRowsAndTheDataFolder()
    {
        Assert.True(SampleArguments.TryParse(["--output", "pictures", "--epochs", "3", "--rows", "500", "--data", "/data/fmnist"], "Denoising",
            out var settings, out _));

        Assert.Equal(("pictures", 3, 500, "/data/fmnist"), (settings.OutputDirectory, settings.Epochs, settings.Rows, settings.DataDirectory));
    }

    [Fact]
    public void RecordsTheArgumentsSoTheResultsFileNamesTheCommandAsTyped()
    {
        Assert.True(SampleArguments.TryParse(["--epochs", "2", "--output", "/tmp/my pictures"], "Denoising", out var settings, out _));

        Assert.Equal(new[] { "--epochs", "2", "--output", "/tmp/my pictures" }, settings.Arguments);
        Assert.Equal("dotnet run --project samples/Denoising -c Release -- --epochs 2 --output '/tmp/my pictures'",
            SampleArguments.CommandLine("Denoising", settings.Arguments));
        Assert.Equal("dotnet run --project samples/Denoising -c Release", SampleArguments.CommandLine("Denoising", []));
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs expects a positive integer, got '0'.")]
    [InlineData("--rows", "many", "--rows expects a positive integer, got 'many'.")]
    [InlineData("--colour", "red", "Unknown argument '--colour'.")]
    [InlineData("--output", null, "Missing value after --output.")]
    public void RejectsWhatItCannotUseAndSaysWhy(string name, string? value, string message)
    {
        string[] args = value is null ? [name] : [name, value];

        Assert.False(SampleArguments.TryParse(args, "Embedding2D", out _, out var error));

        Assert.Equal(message, error);
    }

    [Fact]
    public void HelpIsNotAnError()
    {
        Assert.False(SampleArguments.TryParse(["--help"], "Embedding2D", out _, out var error));

        Assert.Null(error);
    }
}
