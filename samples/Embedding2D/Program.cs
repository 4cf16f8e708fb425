// Embedding2D: Fashion-MNIST mapped to 2-D by an autoencoder and by ML.NET's PCA, test images coloured by class,
// with the 5-nearest-neighbour test accuracy of each map. Writes embedding2d.png and embedding2d.json (the run and
// the figures README quotes).
//
//   dotnet run --project samples/Embedding2D -c Release [-- --epochs N] [--rows N] [--output DIR] [--data DIR]
using MLNetAutoencoders.Samples.Gallery;

const string Project = Embedding2DSample.Project;
if (!SampleArguments.TryParse(args, Project, out var settings, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleArguments.Usage(Project,
        $"{Embedding2DSample.DefaultEpochsFullDataset} on the full dataset, {Embedding2DSample.DefaultEpochsEmbeddedSubset} on the embedded subset",
        $"{Embedding2DSample.DefaultTrainRows:N0}"));
    return error is null ? 0 : 2;
}

Embedding2DSample.Run(settings);
return 0;
