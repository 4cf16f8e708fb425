using MLNetAutoencoders.Scoring;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The detector on a batch of rows: the anomaly score and, when its column is named, the predicted label
/// score &gt; threshold (ML.NET's convention for anomaly detectors).
/// </summary>
internal sealed class AnomalyScorer : IBatchScorer
{
    private const int ScoreOutput = 0;
    private const int LabelOutput = 1;
    private readonly AutoencoderAnomalyModelParameters model;
    private readonly float threshold;

    public AnomalyScorer(AutoencoderAnomalyModelParameters model, string scoreColumn, string? predictedLabelColumn, float threshold)
    {
        this.model = model;
        this.threshold = threshold;
        var outputs = new List<ScoredColumn> { new(scoreColumn, 0) };
        if (predictedLabelColumn is not null)
            outputs.Add(new ScoredColumn(predictedLabelColumn, 0, IsBoolean: true));
        Outputs = outputs;
    }

    public int InputSize => model.InputSize;

    public IReadOnlyList<ScoredColumn> Outputs { get; }

    public void Score(ReadOnlySpan<float> input, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
    {
        var labels = Outputs.Count > LabelOutput && active[LabelOutput] ? outputs[LabelOutput] : null;
        var scores = active[ScoreOutput] ? outputs[ScoreOutput].AsSpan(0, rows) : new float[rows];
        model.Score(input, rows, scores);
        if (labels is null)
            return;
        for (var i = 0; i < rows; i++)
            labels[i] = scores[i] > threshold ? 1 : 0;
    }
}
