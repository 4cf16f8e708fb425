using System.Globalization;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// scikit-learn's detectors (benchmarks/reference/sklearn_detectors.py), run by Debian's python3-sklearn on the exact
/// matrices of an <see cref="AnomalyTask"/>: IsolationForest (defaults, random_state = seed), PCA reconstruction
/// error and the distance to the k-th nearest training row. The scores come back, not figures: they are evaluated
/// by <see cref="DetectionMetrics"/> like ours.
/// </summary>
/// <param name="PcaComponents">Components of the PCA reconstruction.</param>
/// <param name="NearestNeighbours">k of the kNN distance.</param>
/// <param name="Standardize">Scale every feature with the training rows' mean and standard deviation first.</param>
/// <param name="SameRows">
/// The task's test rows are its training rows (unsupervised: fit on all rows, score the same rows); the kNN distance
/// then leaves each row itself out.
/// </param>
internal sealed record ScikitLearnDetectors(int PcaComponents, int NearestNeighbours, bool Standardize, bool SameRows = false)
{
    public const string Script = "sklearn_detectors.py";

    public const string IsolationForest = "isolationForest";
    public const string PcaReconstruction = "pcaReconstruction";
    public const string NearestNeighbourDistance = "knnDistance";

    /// <summary>Fails with the install command unless numpy and scikit-learn import.</summary>
    public static void Require() => PythonReference.Require("numpy", "sklearn");

    /// <summary>The detectors this runs, as the results files name and describe them.</summary>
    public IEnumerable<DetectorInfo> Detectors(string scaling) =>
    [
        new(IsolationForest, "scikit-learn IsolationForest (defaults)", Seeded: true),
        new(PcaReconstruction, Invariant($"scikit-learn PCA reconstruction error, {PcaComponents} components{scaling}"), Seeded: false),
        new(NearestNeighbourDistance, Invariant($"scikit-learn kNN distance (the {NearestNeighbours}th nearest){scaling}"), Seeded: false),
    ];

    /// <summary>Writes the task's matrices to a temporary folder, runs the script and reads every detector's test scores.</summary>
    /// <returns>The scores, the seconds (fit + scoring, and fit alone) of each run, and scikit-learn's version.</returns>
    public (List<DetectorScores> Scores, string Version) Score(AnomalyTask task, IReadOnlyList<int> seeds)
    {
        var directory = Directory.CreateTempSubdirectory("anomaly-sklearn-");
        try
        {
            var train = Path.Combine(directory.FullName, "train.npy");
            var test = Path.Combine(directory.FullName, "test.npy");
            NpyFile.WriteMatrix(train, task.Train, task.TrainRows);
            if (SameRows)
                test = train;
            else
                NpyFile.WriteMatrix(test, task.Test, task.TestRows);
            var files = seeds.Select(s => ($"iforest-seed{s}", IsolationForest, (int?)s))
                .Append(("pca", PcaReconstruction, null)).Append(("knn", NearestNeighbourDistance, null)).ToArray();
            string[] arguments =
            [
                train, test, directory.FullName, "--seeds", string.Join(',', seeds.Select(s => s.ToString(CultureInfo.InvariantCulture))),
                "--pca-components", Invariant($"{PcaComponents}"), "--knn-k", Invariant($"{NearestNeighbours}"),
                .. Standardize ? ["--standardize"] : Array.Empty<string>(),
                .. SameRows ? ["--same-rows"] : Array.Empty<string>(),
            ];
            var printed = PythonReference.Run(Script, arguments, TimeSpan.FromMinutes(20),
                [.. files.SelectMany(f => new[] { f.Item1 + "_seconds", f.Item1 + "_fit_seconds" }), "sklearn_version_major", "sklearn_version_minor"]);
            var scores = files.Select(f => new DetectorScores(f.Item2, f.Item3,
                NpyFile.ReadVector(Path.Combine(directory.FullName, f.Item1 + ".npy")), printed[f.Item1 + "_seconds"], printed[f.Item1 + "_fit_seconds"])).ToList();
            foreach (var s in scores.Where(s => s.Scores.Length != task.TestRows))
                throw new InvalidOperationException($"{Script} wrote {s.Scores.Length} {s.Detector} scores for {task.TestRows} test rows.");
            return (scores, Invariant($"{printed["sklearn_version_major"]}.{printed["sklearn_version_minor"]}"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
