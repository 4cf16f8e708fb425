// AnomalyDetection: one Fashion-MNIST class as "normal", the nine others as anomalies. The autoencoder anomaly
// detector and ML.NET's RandomizedPca are trained on the normal class's images; writes anomaly-detection.png with
// both ROC curves on the test set and the most and least anomalous test items, and anomaly-detection.json (the run
// and the figures README quotes).
//
//   dotnet run --project samples/AnomalyDetection -c Release [-- --epochs N] [--rows N] [--output DIR] [--data DIR]
using MLNetAutoencoders.Samples.Gallery;

const string Project = AnomalyDetectionSample.Project;
if (!SampleArguments.TryParse(args, Project, out var settings, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleArguments.Usage(Project,
        $"{AnomalyDetectionSample.DefaultEpochsFullDataset} on the full dataset, {AnomalyDetectionSample.DefaultEpochsEmbeddedSubset} on the embedded subset",
        $"{AnomalyDetectionSample.DefaultTrainRows:N0} (of which the normal class's images are used)"));
    return error is null ? 0 : 2;
}

AnomalyDetectionSample.Run(settings);
return 0;
