// Denoising: a denoising autoencoder and an undercomplete one of the same architecture reconstruct the same test
// images corrupted with Gaussian noise; a grid of clean / corrupted / both reconstructions with each one's MSE to
// the clean images. Writes denoising.png and denoising.json (the run and the figures README quotes).
//
//   dotnet run --project samples/Denoising -c Release [-- --epochs N] [--rows N] [--output DIR] [--data DIR]
using MLNetAutoencoders.Samples.Gallery;

const string Project = DenoisingSample.Project;
if (!SampleArguments.TryParse(args, Project, out var settings, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleArguments.Usage(Project,
        $"{DenoisingSample.DefaultEpochsFullDataset} on the full dataset, {DenoisingSample.DefaultEpochsEmbeddedSubset} on the embedded subset",
        $"{DenoisingSample.DefaultTrainRows:N0}"));
    return error is null ? 0 : 2;
}

DenoisingSample.Run(settings);
return 0;
