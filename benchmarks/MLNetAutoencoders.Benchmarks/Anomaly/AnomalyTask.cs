using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// One anomaly-detection problem as every detector sees it: a row-major training matrix of normal rows and a
/// row-major test matrix with each test row's ground truth. Our detectors read it as an <see cref="IDataView"/>,
/// scikit-learn's as .npy files of the same values.
/// </summary>
/// <param name="Name">What the task is, e.g. "0 T-shirt/top" or "split 3".</param>
/// <param name="Features">Columns of both matrices.</param>
/// <param name="Train">Training rows, <c>TrainRows × Features</c> values.</param>
/// <param name="Test">Test rows, <c>TestIsAnomaly.Length × Features</c> values.</param>
/// <param name="TestIsAnomaly">Whether each test row is an anomaly (the positive class).</param>
internal sealed record AnomalyTask(string Name, int Features, float[] Train, float[] Test, bool[] TestIsAnomaly)
{
    public int TrainRows => Train.Length / Features;

    public int TestRows => TestIsAnomaly.Length;

    /// <summary>A view with one column "Features" (a vector of <see cref="Features"/> Singles).</summary>
    public IDataView TrainView(MLContext ml) => ToDataView(ml, Train, Features);

    /// <inheritdoc cref="TrainView"/>
    public IDataView TestView(MLContext ml) => ToDataView(ml, Test, Features);

    private static IDataView ToDataView(MLContext ml, float[] matrix, int features)
    {
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        var rows = Enumerable.Range(0, matrix.Length / features).Select(i => new FeatureRow { Features = matrix[(i * features)..((i + 1) * features)] });
        return ml.Data.LoadFromEnumerable(rows.ToList(), definition);
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
