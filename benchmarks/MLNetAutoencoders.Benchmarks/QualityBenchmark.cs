using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// After the reference's number of epochs: the canonical model's test MSE against the PyTorch reference, and a
/// 2-D embedding of the same network classified by brute-force 5-NN (train embeddings as the reference set,
/// test embeddings as queries) against the reference and ML.NET's PCA rank 2.
/// </summary>
internal static class QualityBenchmark
{
    public const double ExpectedReferenceMse = 0.0095; // /work/shared/reference README and the brief, when not measured
    public const double ExpectedReferenceKnn = 0.71;
    public const double MseTolerance = 0.03;
    public const double KnnTarget = 0.70;

    public static void Run(BenchmarkData data, int epochs, int seeds, bool verbose, Report report)
    {
        var ml = new MLContext(seed: 1);
        var train = data.Train.ToDataView(ml);
        var test = data.Test.ToDataView(ml);
        var mse = new List<double>();
        var aeKnn = new List<double>();
        var ae2Mse = new List<double>();
        for (var seed = 1; seed <= seeds; seed++)
        {
            // ---- FMNIST-MLP-32: test MSE.
            Console.WriteLine($"Quality (seed {seed}): FMNIST-MLP-32, {epochs} epochs on {data.Train.Count:N0} rows...");
            var clock = Stopwatch.StartNew();
            using (var model = ml.Transforms.Autoencoder(Canonical.Options(epochs, seed: seed, progress: new EpochClock(verbose))).Fit(train))
            {
                Console.WriteLine($"  trained in {clock.Elapsed.TotalSeconds:F0}s; final training loss {model.TrainingLoss[^1]:F5}");
                mse.Add(ReadScalar(model.Transform(test), "ReconstructionError").Average(e => (double)e));
                Console.WriteLine($"  test MSE {mse[^1]:F5}");
            }

            // ---- Same network with a 2-D code: 5-NN accuracy.
            Console.WriteLine($"Quality (seed {seed}): the same network with LatentDimension = 2, {epochs} epochs...");
            clock.Restart();
            using (var model2 = ml.Transforms.Autoencoder(Canonical.Options(epochs, latent: 2, seed: seed, progress: new EpochClock(verbose))).Fit(train))
            {
                Console.WriteLine($"  trained in {clock.Elapsed.TotalSeconds:F0}s; final training loss {model2.TrainingLoss[^1]:F5}");
                var trainCodes = ReadVectors(model2.Transform(train), "Embedding");
                var testCodes = ReadVectors(model2.Transform(test), "Embedding");
                aeKnn.Add(Knn.Accuracy(trainCodes, data.Train.Labels, testCodes, data.Test.Labels, 2, k: 5));
                ae2Mse.Add(ReadScalar(model2.Transform(test), "ReconstructionError").Average(e => (double)e));
                Console.WriteLine($"  5-NN accuracy {aeKnn[^1]:F4}, test MSE {ae2Mse[^1]:F5}");
            }
        }

        // ---- Baseline: ML.NET PCA rank 2.
        var pca = ml.Transforms.ProjectToPrincipalComponents("Pca", "Features", rank: 2, seed: 1).Fit(train);
        var pcaKnn = Knn.Accuracy(ReadVectors(pca.Transform(train), "Pca"), data.Train.Labels, ReadVectors(pca.Transform(test), "Pca"), data.Test.Labels, 2, k: 5);

        // Read after training, so a reference run that finished meanwhile is picked up.
        var reference = ReferenceResults.Load(report);
        var seedNote = seeds > 1 ? $"median of seeds 1..{seeds}; samples in seed order" : "seed 1";
        var referenceMse = reference.Ae32?.TestMse ?? ExpectedReferenceMse;
        var referenceMseName = reference.Ae32?.TestMse is null ? "PyTorch, expected (not measured)" : "PyTorch reference";
        var mseRatio = Report.Median(mse) / referenceMse;
        report.Add(new Measurement("Quality", $"AE-32 test MSE after {epochs} epochs (lower is better)", Report.Median(mse), referenceMse, referenceMseName, mseRatio,
            $"ratio ≤ {1 + MseTolerance:F2}", mseRatio <= 1 + MseTolerance, mse.ToArray(), [referenceMse], seedNote));
        var referenceKnn = reference.Ae2?.Knn5Accuracy ?? ExpectedReferenceKnn;
        var referenceKnnName = reference.Ae2?.Knn5Accuracy is null ? "PyTorch, expected (not measured)" : "PyTorch reference";
        var knn = Report.Median(aeKnn);
        report.Add(new Measurement("Quality", $"AE-2 5-NN test accuracy after {epochs} epochs (higher is better)", knn, referenceKnn, referenceKnnName,
            knn / referenceKnn, $"accuracy ≥ {KnnTarget:F2}", knn >= KnnTarget, aeKnn.ToArray(), [referenceKnn], seedNote));
        report.Add(new Measurement("Quality", "AE-2 5-NN accuracy vs ML.NET PCA-2 5-NN", knn, pcaKnn, "ML.NET ProjectToPrincipalComponents rank 2",
            knn / pcaKnn, null, null, aeKnn.ToArray(), [pcaKnn]));
        report.Add(new Measurement("Quality", $"AE-2 test MSE after {epochs} epochs (informational)", Report.Median(ae2Mse), reference.Ae2?.TestMse,
            reference.Ae2?.TestMse is null ? null : "PyTorch reference", reference.Ae2?.TestMse is { } r2 ? Report.Median(ae2Mse) / r2 : null, null, null,
            ae2Mse.ToArray(), reference.Ae2?.TestMse is { } r ? [r] : []));
    }

    public static float[] ReadScalar(IDataView data, string name)
    {
        var column = data.Schema[name];
        var values = new List<float>();
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<float>(column);
        var value = 0f;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value);
        }
        return values.ToArray();
    }

    /// <summary>A vector column as one flat row-major array.</summary>
    public static float[] ReadVectors(IDataView data, string name)
    {
        var column = data.Schema[name];
        var values = new List<float>();
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            foreach (var v in buffer.DenseValues())
                values.Add(v);
        }
        return values.ToArray();
    }
}

/// <summary>Brute-force k-nearest-neighbour classification (Euclidean), majority vote, ties to the smallest label (as scikit-learn).</summary>
internal static class Knn
{
    public static double Accuracy(float[] reference, int[] referenceLabels, float[] queries, int[] queryLabels, int dimension, int k)
    {
        var referenceCount = referenceLabels.Length;
        var queryCount = queryLabels.Length;
        if (reference.Length != referenceCount * dimension || queries.Length != queryCount * dimension)
            throw new ArgumentException("Embedding and label counts disagree.");
        var classes = Math.Max(referenceLabels.Max(), queryLabels.Max()) + 1;
        var correct = 0;
        Parallel.For(0, queryCount, () => (Distances: new double[k], Labels: new int[k], Votes: new int[classes], Correct: 0), (q, _, state) =>
        {
            Array.Fill(state.Distances, double.PositiveInfinity);
            var query = queries.AsSpan(q * dimension, dimension);
            for (var r = 0; r < referenceCount; r++)
            {
                var point = reference.AsSpan(r * dimension, dimension);
                double d = 0;
                for (var j = 0; j < dimension; j++)
                {
                    var diff = (double)query[j] - point[j];
                    d += diff * diff;
                }
                if (d >= state.Distances[k - 1])
                    continue;
                var i = k - 1;
                for (; i > 0 && state.Distances[i - 1] > d; i--)
                {
                    state.Distances[i] = state.Distances[i - 1];
                    state.Labels[i] = state.Labels[i - 1];
                }
                state.Distances[i] = d;
                state.Labels[i] = referenceLabels[r];
            }
            Array.Clear(state.Votes);
            foreach (var label in state.Labels)
                state.Votes[label]++;
            var best = 0;
            for (var c = 1; c < classes; c++)
                if (state.Votes[c] > state.Votes[best])
                    best = c;
            if (best == queryLabels[q])
                state.Correct++;
            return state;
        }, state => Interlocked.Add(ref correct, state.Correct));
        return correct / (double)queryCount;
    }
}
