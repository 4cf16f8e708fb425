using Microsoft.ML.Model.OnnxConverter;

namespace MLNetAutoencoders.Onnx;

/// <summary>
/// A scorer that can write its outputs as ONNX nodes. The outputs list holds, for each of the scorer's outputs (same
/// order as <c>IBatchScorer.Outputs</c>), the ONNX variable the column must be written into.
/// </summary>
internal interface IOnnxScorer
{
    /// <summary>Throws (naming the column and why) when an output cannot be written faithfully; false when the opset is too old.</summary>
    bool CanSaveOnnx(OnnxContext ctx);

    void SaveAsOnnx(OnnxContext ctx, string input, IReadOnlyList<string> outputs);
}
