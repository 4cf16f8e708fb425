using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using MLNetAutoencoders.Anomaly;

namespace MLNetAutoencoders.Onnx;

/// <summary>
/// Writes the anomaly detector's score as ONNX nodes, operation for operation in the order
/// <see cref="AutoencoderAnomalyModelParameters"/> computes it with TorchSharp, so the float results match:
/// the standardization (Sub, Div), the network (<see cref="OnnxNetworkWriter"/>), the reconstruction score — the row's
/// mean squared error, for an image with the structural dissimilarity (AveragePool), or for a VAE the L fixed posterior draws as an [L, latent] initializer decoded as [N·L, latent] —
/// and the density term (explicit differences to the reference codes, as cdist without the matrix-product shortcut,
/// then TopK smallest and the k-th), each term divided by its training scale. Every value is [N, 1], ML.NET's ONNX
/// shape of a scalar column. Opset 11 (TopK's <c>largest</c>, Clip's min/max inputs) to 12 (ReduceSum's <c>axes</c> attribute).
/// </summary>
internal sealed class AnomalyOnnxWriter
{
    private readonly OnnxContext ctx;
    private readonly AutoencoderAnomalyModelParameters model;
    private readonly OnnxNetworkWriter net;
    private readonly string prefix;

    /// <summary>Call under a lease on the model's network: the writer reads its weights.</summary>
    public AnomalyOnnxWriter(OnnxContext ctx, AutoencoderAnomalyModelParameters model, string prefix)
    {
        this.ctx = ctx;
        this.model = model;
        this.prefix = prefix;
        net = new OnnxNetworkWriter(ctx, model.Fitted.Module, prefix);
    }

    /// <summary>The anomaly score of the raw feature rows <paramref name="input"/>, as <see cref="AutoencoderAnomalyModelParameters.ScoreBatch"/> after standardizing.</summary>
    public string Score(string input)
    {
        var x = Standardize(input);
        var encoderOutput = net.EncoderOutput(x);
        var code = net.Code(encoderOutput);
        var reconstruction = model.VaeScoring is { } scoring
            ? VaeReconstructionScore(x, encoderOutput, code, scoring)
            : model.StructuralDissimilarity is { } structure
                ? StructureScore(net.Decode(code), x, structure)
                : net.RowMeanSquaredError(net.Decode(code), x);
        return model.CodeDensity is { } density ? WithDensity(reconstruction, code, density) : reconstruction;
    }

    /// <summary>Writes <paramref name="score"/> &gt; <paramref name="threshold"/> into the Boolean variable <paramref name="output"/>.</summary>
    /// <remarks>
    /// Greater, not ML.NET's Binarizer + Cast: one operator of the default domain giving a bool directly, and false
    /// for a NaN score, as the TorchSharp transformer's <c>PredictedLabel</c>.
    /// </remarks>
    public void Exceeds(string score, float threshold, string output) =>
        ctx.CreateNode("Greater", new[] { score, ctx.AddInitializer(threshold, $"{prefix}.threshold") }, new[] { output }, ctx.GetNodeName("Greater"), "");

    /// <summary>Copies <paramref name="from"/> into the column variable <paramref name="to"/>.</summary>
    public void Assign(string from, string to) => net.Assign(from, to);

    /// <summary>(x - mean) / scale per feature, as <see cref="FeatureStandardization.ApplyInPlace(TorchSharp.torch.Tensor)"/>.</summary>
    private string Standardize(string input)
    {
        if (model.Standardization is not { } standardization)
            return input;
        var dims = new long[] { standardization.Means.Count };
        var centred = net.Apply("Sub", [input, net.Constant(standardization.Means, dims, "featureMeans")]);
        return net.Apply("Div", [centred, net.Constant(standardization.Scales, dims, "featureScales")]);
    }

    /// <summary>
    /// The VAE's reconstruction score: z_l = mu + exp(logvar / 2) · eps_l for the L saved draws ([N, L, latent]), decoded as
    /// [N·L, latent] and compared with the row: the mean squared error over samples and features, or the negative ELBO
    /// (likelihood term summed over features, averaged over samples, plus the closed-form KL).
    /// </summary>
    private string VaeReconstructionScore(string x, string encoderOutput, string mean, VaeScoring scoring)
    {
        var latent = model.Architecture.LatentDimension;
        var samples = scoring.Samples;
        var logVariance = net.LogVariance(encoderOutput);
        var noise = net.Constant(model.VaeNoise, [samples, latent], "posteriorNoise");
        var deviation = net.Apply("Exp", [net.Apply("Mul", [Unsqueeze(logVariance, 1), ctx.AddInitializer(0.5f, "half")])]);
        var z = net.Apply("Add", [Unsqueeze(mean, 1), net.Apply("Mul", [deviation, noise])]);
        var decoded = Reshape(net.Decode(Reshape(z, [-1, latent], "zShape")), [-1, samples, model.InputSize], "decodedShape");
        var target = Unsqueeze(x, 1);
        if (scoring.Score != VaeAnomalyScore.NegativeElbo)
            return Reduce("ReduceMean", Squared(net.Apply("Sub", [decoded, target])), [1, 2], keepDims: true, then: [-1, 1]);
        var negativeLogLikelihood = scoring.BernoulliLikelihood ? BinaryCrossEntropy(decoded, target) : Squared(net.Apply("Sub", [decoded, target]));
        var perSample = Reduce("ReduceSum", negativeLogLikelihood, [2], keepDims: false);
        var expected = Reduce("ReduceMean", perSample, [1], keepDims: true);
        return net.Apply("Add", [expected, GaussianKL(mean, logVariance)]);
    }

    /// <summary>
    /// An image's reconstruction score, as <see cref="StructuralDissimilarity.Score"/>: squared error / its scale + (1 - mean
    /// SSIM) / its scale, the local means taken by AveragePool over the window without the padding (count_include_pad 0, as
    /// torch's avg_pool2d with count_include_pad false), in the same order of operations.
    /// </summary>
    private string StructureScore(string reconstruction, string x, StructuralDissimilarity structure)
    {
        var image = structure.Image;
        long[] shape = [-1, image.Channels, image.Height, image.Width];
        var a = Reshape(x, shape, "targetImageShape");
        var b = Reshape(reconstruction, shape, "reconstructionImageShape");
        var window = (long)structure.Window;
        var pad = window / 2;
        string Mean(string t) => net.Apply("AveragePool", [t], node =>
        {
            node.AddAttribute("kernel_shape", new[] { window, window });
            node.AddAttribute("strides", new[] { 1L, 1L });
            node.AddAttribute("pads", new[] { pad, pad, pad, pad });
            node.AddAttribute("count_include_pad", 0L);
        });
        var meanA = Mean(a);
        var meanB = Mean(b);
        var meanAB = net.Apply("Mul", [meanA, meanB]);
        var squaredMeans = net.Apply("Add", [Squared(meanA), Squared(meanB)]);
        var varianceSum = net.Apply("Sub", [net.Apply("Add", [Mean(Squared(a)), Mean(Squared(b))]), squaredMeans]);
        var covariance = net.Apply("Sub", [Mean(net.Apply("Mul", [a, b])), meanAB]);
        var two = ctx.AddInitializer(2f, $"{prefix}.two");
        var c1 = ctx.AddInitializer(structure.C1, $"{prefix}.ssimC1");
        var c2 = ctx.AddInitializer(structure.C2, $"{prefix}.ssimC2");
        var numerator = net.Apply("Mul", [net.Apply("Add", [net.Apply("Mul", [meanAB, two]), c1]), net.Apply("Add", [net.Apply("Mul", [covariance, two]), c2])]);
        var denominator = net.Apply("Mul", [net.Apply("Add", [squaredMeans, c1]), net.Apply("Add", [varianceSum, c2])]);
        var similarity = Reduce("ReduceMean", net.Apply("Div", [numerator, denominator]), [1, 2, 3], keepDims: true, then: [-1, 1]);
        var dissimilarity = net.Apply("Sub", [ctx.AddInitializer(1f, $"{prefix}.ssimOne"), similarity]);
        var squaredErrorTerm = net.Apply("Div", [net.RowMeanSquaredError(reconstruction, x), ctx.AddInitializer(structure.SquaredErrorScale, $"{prefix}.squaredErrorScale")]);
        return net.Apply("Add", [squaredErrorTerm, net.Apply("Div", [dissimilarity, ctx.AddInitializer(structure.DissimilarityScale, $"{prefix}.dissimilarityScale")])]);
    }

    /// <summary>
    /// torch's binary_cross_entropy of the clamped probabilities, (t - 1) · log(1 - p) - t · log(p) (its -100 floor is
    /// never reached: p is clamped to [1e-6, 1 - 1e-6], as <c>NetworkMath.ClampProbabilities</c>).
    /// </summary>
    private string BinaryCrossEntropy(string reconstruction, string target)
    {
        var p = net.Apply("Clip", [reconstruction, ctx.AddInitializer((float)1e-6, "probabilityLow"), ctx.AddInitializer((float)(1 - 1e-6), "probabilityHigh")]);
        var one = ctx.AddInitializer(1f, "one");
        var logComplement = net.Apply("Log", [net.Apply("Sub", [one, p])]);
        var negatives = net.Apply("Mul", [net.Apply("Sub", [target, one]), logComplement]);
        return net.Apply("Sub", [negatives, net.Apply("Mul", [target, net.Apply("Log", [p])])]);
    }

    /// <summary>-1/2 Σ_j (1 + logvar_j - mu_j² - exp(logvar_j)), [N, 1], in <c>NetworkMath.GaussianKL</c>'s order.</summary>
    private string GaussianKL(string mean, string logVariance)
    {
        var sum = net.Apply("Add", [logVariance, ctx.AddInitializer(1f, "one")]);
        sum = net.Apply("Sub", [sum, Squared(mean)]);
        sum = net.Apply("Sub", [sum, net.Apply("Exp", [logVariance])]);
        return net.Apply("Mul", [Reduce("ReduceSum", sum, [1], keepDims: true), ctx.AddInitializer(-0.5f, "minusHalf")]);
    }

    /// <summary>
    /// reconstruction / its scale + (distance from the code to its k-th nearest reference code) / its scale, as
    /// <see cref="CodeDensity.Score"/>. The distances are explicit differences, as CodeDensity's cdist
    /// (donot_use_mm): [N, R, latent] values per batch of N rows.
    /// </summary>
    private string WithDensity(string reconstruction, string code, CodeDensity density)
    {
        var references = net.Constant(density.References, [density.Rows, density.CodeSize], "referenceCodes");
        var difference = net.Apply("Sub", [Unsqueeze(code, 1), references]);
        var distances = net.Apply("Sqrt", [Reduce("ReduceSum", Squared(difference), [2], keepDims: false)]);
        var nearest = ctx.AddIntermediateVariable(new VectorDataViewType(NumberDataViewType.Single), $"{prefix}.NearestDistances", skip: true);
        var indices = ctx.AddIntermediateVariable(new VectorDataViewType(NumberDataViewType.Int64), $"{prefix}.NearestIndices", skip: true);
        var topK = ctx.CreateNode("TopK", new[] { distances, net.Constant([density.Neighbours], "neighbours") }, new[] { nearest, indices },
            ctx.GetNodeName("TopK"), "");
        topK.AddAttribute("axis", 1L);
        topK.AddAttribute("largest", 0L);
        topK.AddAttribute("sorted", 1L);
        var kth = net.Apply("Slice", [nearest, net.Constant([density.Neighbours - 1L], "kthStart"), net.Constant([(long)density.Neighbours], "kthEnd"),
            net.Constant([1L], "kthAxis")]);
        var reconstructionTerm = net.Apply("Div", [reconstruction, ctx.AddInitializer(density.ReconstructionScale, $"{prefix}.reconstructionScale")]);
        var densityTerm = net.Apply("Div", [kth, ctx.AddInitializer(density.DistanceScale, $"{prefix}.distanceScale")]);
        return net.Apply("Add", [reconstructionTerm, densityTerm]);
    }

    private string Squared(string x) => net.Apply("Mul", [x, x]);

    private string Unsqueeze(string x, long axis) => net.Apply("Unsqueeze", [x], node => node.AddAttribute("axes", new[] { axis }));

    private string Reshape(string x, long[] shape, string name) => net.Apply("Reshape", [x, net.Constant(shape, name)]);

    /// <summary>A reduction over <paramref name="axes"/> (the opset-12 attribute form), optionally reshaped to <paramref name="then"/>.</summary>
    private string Reduce(string op, string x, long[] axes, bool keepDims, long[]? then = null)
    {
        var reduced = net.Apply(op, [x], node =>
        {
            node.AddAttribute("axes", axes);
            node.AddAttribute("keepdims", keepDims ? 1L : 0L);
        });
        return then is null ? reduced : Reshape(reduced, then, "rowShape");
    }
}
