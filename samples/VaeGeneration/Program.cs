// VaeGeneration: a variational autoencoder generating Fashion-MNIST items. Writes vae-prior-samples.png (a grid of
// samples from the prior), vae-manifold.png (the decoder of a 2-D VAE over a regular grid of its latent plane),
// vae-interpolation.png (decoded straight lines in latent space between pairs of test items), and vae-generation.json
// (the run and the figures README quotes).
//
//   dotnet run --project samples/VaeGeneration -c Release [-- --epochs N] [--rows N] [--output DIR] [--data DIR]
using MLNetAutoencoders.Samples.Gallery;

const string Project = VaeGenerationSample.Project;
if (!SampleArguments.TryParse(args, Project, out var settings, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleArguments.Usage(Project,
        $"{VaeGenerationSample.DefaultEpochsFullDataset} on the full dataset, {VaeGenerationSample.DefaultEpochsEmbeddedSubset} on the embedded subset",
        $"{VaeGenerationSample.DefaultTrainRows:N0}"));
    return error is null ? 0 : 2;
}

VaeGenerationSample.Run(settings);
return 0;
