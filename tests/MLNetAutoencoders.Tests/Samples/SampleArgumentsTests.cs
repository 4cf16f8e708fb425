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

    [Theory]
    [InlineData("Embedding2D")]
    [InlineData("Denoising")]
    [InlineData("VaeGeneration")]
    public void TheMapDenoisingAndVaeSamplesTrainTheirMlpUnlessArchitectureConvAsksForTheConvolutionalNetwork(string project)
    {
        Assert.True(SampleArguments.TryParse([], project, out var byDefault, out _));
        Assert.True(SampleArguments.TryParse(["--architecture", "conv"], project, out var conv, out _));
        Assert.True(SampleArguments.TryParse(["--architecture", "MLP"], project, out var mlp, out _));

        Assert.Equal((SampleArchitecture.Mlp, SampleArchitecture.Conv, SampleArchitecture.Mlp), (byDefault.Architecture, conv.Architecture, mlp.Architecture));
        Assert.Contains("--architecture mlp|conv", SampleArguments.Usage(project, "10", "60,000"));
        Assert.Equal("dotnet run --project samples/Denoising -c Release -- --architecture conv", SampleArguments.CommandLine("Denoising", conv.Arguments));
    }

    [Theory]
    [InlineData("Embedding2D", "cnn", "--architecture expects mlp or conv, got 'cnn'.")]
    [InlineData("KSparseFilters", "conv", "Unknown argument '--architecture'.")]
    [InlineData("AnomalyDetection", "conv", "Unknown argument '--architecture'.")]
    public void ArchitectureTakesMlpOrConvAndOnlyWhereTheSampleHasAConvolutionalNetwork(string project, string value, string message)
    {
        Assert.False(SampleArguments.TryParse(["--architecture", value], project, out _, out var error));

        Assert.Equal(message, error);
        Assert.Equal(SampleArguments.TakesArchitecture(project), SampleArguments.Usage(project, "10", "60,000").Contains("--architecture"));
    }

    [Fact]
    public void HelpIsNotAnError()
    {
        Assert.False(SampleArguments.TryParse(["--help"], "Embedding2D", out _, out var error));

        Assert.Null(error);
    }
}
