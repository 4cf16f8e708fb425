using Microsoft.ML.Model.OnnxConverter;

namespace MLNetAutoencoders.Onnx;

/// <summary>
/// A scorer that can write its outputs as ONNX nodes. The outputs list holds, for each of the scorer's outputs (same
/// order as <c>IBatchScorer.Outputs</c>), the ONNX variable the column must be written into.
/// </summary>
internal interface IOnnxScorer
{
    /// <summary>
    /// True when every output can be written faithfully at the context's opset; otherwise throws, naming the column and
    /// why (never false: ML.NET's converter only warns on false and writes a model without the columns).
    /// </summary>
    bool CanSaveOnnx(OnnxContext ctx);

    void SaveAsOnnx(OnnxContext ctx, string input, IReadOnlyList<string> outputs);
}
