using Microsoft.ML.Model.OnnxConverter;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Onnx;
using MLNetAutoencoders.Scoring;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The detector on a batch of rows: the anomaly score of the standardized rows and, when its column is named, the
/// predicted label score &gt; threshold (ML.NET's convention for anomaly detectors). Both export to ONNX
/// (<see cref="AnomalyOnnxWriter"/>).
/// </summary>
internal sealed class AnomalyScorer : NetworkScorer, IOnnxScorer
{
    private const int ScoreOutput = 0;
    private const int LabelOutput = 1;
    private readonly AutoencoderAnomalyModelParameters model;
    private readonly float threshold;

    public AnomalyScorer(AutoencoderAnomalyModelParameters model, string scoreColumn, string? predictedLabelColumn, float threshold)
        : base(model.Fitted)
    {
        this.model = model;
        this.threshold = threshold;
        var outputs = new List<ScoredColumn> { new(scoreColumn, 0) };
        if (predictedLabelColumn is not null)
            outputs.Add(new ScoredColumn(predictedLabelColumn, 0, IsBoolean: true));
        Outputs = outputs;
    }

    public override int InputSize => model.InputSize;

    public override IReadOnlyList<ScoredColumn> Outputs { get; }

    protected override void ScoreBatch(Tensor? x, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
    {
        model.Standardize(x!);
        var scores = active[ScoreOutput] ? outputs[ScoreOutput].AsSpan(0, rows) : new float[rows];
        TensorData.Read(model.ScoreBatch(x!), scores);
        if (Outputs.Count <= LabelOutput || !active[LabelOutput])
            return;
        var labels = outputs[LabelOutput];
        for (var i = 0; i < rows; i++)
            labels[i] = scores[i] > threshold ? 1 : 0;
    }

    public bool CanSaveOnnx(OnnxContext ctx)
    {
        ctx.CheckOpSetVersion(OnnxNetworkWriter.MinimumOpSet, nameof(AutoencoderAnomalyPredictionTransformer));
        return true;
    }

    public void SaveAsOnnx(OnnxContext ctx, string input, IReadOnlyList<string> outputs)
    {
        using var lease = Network.Enter();
        var writer = new AnomalyOnnxWriter(ctx, model, Outputs[ScoreOutput].Name);
        var score = writer.Score(input);
        writer.Assign(score, outputs[ScoreOutput]);
        if (Outputs.Count > LabelOutput)
            writer.Exceeds(score, threshold, outputs[LabelOutput]);
    }
}
