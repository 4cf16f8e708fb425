using Microsoft.ML.Data;
using Microsoft.ML.Numeric;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// Which features make a row anomalous, for <c>mlContext.Transforms.CalculateFeatureContribution(detector)</c>:
/// the contribution of feature j is its share of the reconstruction term of the score, in the network's
/// (standardized) input space. For the mean squared reconstruction error (and a VAE's expected reconstruction
/// error) that is (x_j - x̂_j)² / d, averaged over the posterior samples for a VAE; for a VAE scored by the
/// negative ELBO, feature j's negative log-likelihood averaged over the samples (the KL term belongs to no
/// feature). Without normalization the contributions of a row sum to that reconstruction term, which is the
/// whole score unless the score has other terms; they are never negative, so <c>numberOfNegativeContributions</c>
/// keeps nothing. As for ML.NET's other models, all but the <c>numberOfPositiveContributions</c> largest are set
/// to zero and <c>normalize</c> divides by the largest one. Rows are scored one at a time.
/// </summary>
internal static class FeatureContributions
{
    /// <summary>The per-row mapper that ML.NET's <c>FeatureContributionCalculatingTransformer</c> calls.</summary>
    public static ValueMapper<TSrc, VBuffer<float>> Mapper<TSrc>(AutoencoderAnomalyModelParameters model, int top, int bottom, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (typeof(TSrc) != typeof(VBuffer<float>))
            throw new ArgumentException($"Feature contributions read a vector of Single; got {typeof(TSrc).Name}.", nameof(TSrc));
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        ArgumentOutOfRangeException.ThrowIfNegative(bottom);
        model.Fitted.ThrowIfDisposed();
        TorchRuntime.EnsureLoaded();
        var shareOfMean = model.VaeScore != VaeAnomalyScore.NegativeElbo;
        ValueMapper<VBuffer<float>, VBuffer<float>> map = (in VBuffer<float> features, ref VBuffer<float> contributions) =>
        {
            if (features.Length != model.InputSize)
                throw new ArgumentException($"The autoencoder anomaly detector reads vectors of {model.InputSize} features; got a vector of {features.Length}.", nameof(features));
            var editor = VBufferEditor.Create(ref contributions, features.Length);
            features.CopyTo(editor.Values);
            Compute(model, editor.Values);
            if (shareOfMean)
                for (var j = 0; j < editor.Values.Length; j++)
                    editor.Values[j] /= model.InputSize;
            contributions = editor.Commit();
            VectorUtils.SparsifyNormalize(ref contributions, top, bottom, normalize);
        };
        return (ValueMapper<TSrc, VBuffer<float>>)(Delegate)map;
    }

    /// <summary>Replaces the raw feature values of one row with each feature's error term.</summary>
    private static void Compute(AutoencoderAnomalyModelParameters model, Span<float> row)
    {
        using var lease = model.Fitted.Enter();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = empty(1, row.Length);
        TensorData.Write(x, row);
        model.Standardize(x);
        TensorData.Read(model.FeatureErrors(x), row);
    }
}
