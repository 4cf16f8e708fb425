// KSparseFilters: the decoder filters k-sparse autoencoders learn on Fashion-MNIST for k = 70, 40, 25, 10
// (100 linear code units, only the k largest kept, linear decoder), one grid of 28x28 filters per k.
// Writes ksparse-filters.png and ksparse-filters.json (the run and each k's test MSE and units used).
//
//   dotnet run --project samples/KSparseFilters -c Release [-- --epochs N] [--rows N] [--output DIR] [--data DIR]
using MLNetAutoencoders.Samples.Gallery;

const string Project = KSparseFiltersSample.Project;
if (!SampleArguments.TryParse(args, Project, out var settings, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleArguments.Usage(Project,
        $"{KSparseFiltersSample.DefaultEpochsFullDataset} on the full dataset, {KSparseFiltersSample.DefaultEpochsEmbeddedSubset} on the embedded subset",
        $"{KSparseFiltersSample.DefaultTrainRows:N0}"));
    return error is null ? 0 : 2;
}

KSparseFiltersSample.Run(settings);
return 0;
