using Microsoft.ML.Model.OnnxConverter;

namespace MLNetAutoencoders.Onnx;

/// <summary>
/// SPIKE (issue 14): a scorer that can write its outputs as ONNX nodes. the outputs list holds, for each of the
/// scorer's outputs (same order as <c>IBatchScorer.Outputs</c>), the ONNX variable the column must be written into.
/// </summary>
internal interface IOnnxScorer
{
    /// <summary>Throws (naming the column and why) when an output cannot be written faithfully; false for "not at all".</summary>
    bool CanSaveOnnx(OnnxContext ctx);

    void SaveAsOnnx(OnnxContext ctx, string input, IReadOnlyList<string> outputs);
}
