using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Onnx;

/// <summary>
/// Writes a fitted <see cref="AutoencoderNetwork"/> as ONNX nodes into ML.NET's <see cref="OnnxContext"/>:
/// each Linear layer as one Gemm (transB = 1, weights [out, in] as torch stores them) with its weight and bias as
/// initializers, activations as their ONNX operators (GELU composed from Erf, which opset 12 has; Gelu is opset 20).
/// A convolutional network's stages are Conv and ConvTranspose nodes (weights in PyTorch's layouts, which are ONNX's:
/// Conv [out, in, k, k], ConvTranspose [in, out, k, k]) between a Reshape of the flat row to [N, C, H, W] and a
/// Flatten back, so the encoder's input and the decoder's output stay flat [N, C·H·W] as in the module.
/// Opset 12 (ML.NET's current and maximum) is enough for every operator used here.
/// </summary>
internal sealed class OnnxNetworkWriter(OnnxContext ctx, AutoencoderNetwork network, string prefix)
{
    /// <summary>Lowest opset of the operators written: TopK with K as an input and ScatterElements are opset 11.</summary>
    public const int MinimumOpSet = 11;

    private static readonly DataViewType Floats = new VectorDataViewType(NumberDataViewType.Single);

    /// <summary>The encoder's last linear output ([mu, log-variance] for a VAE).</summary>
    public string EncoderOutput(string input)
    {
        var layers = network.EncoderLayers;
        var h = input;
        if (network.Description.Convolution is { } convolution)
        {
            var image = convolution.Image;
            h = Reshape(h, [-1, image.Channels, image.Height, image.Width], "imageShape");
            var convolutions = network.ConvolutionLayers;
            for (var i = 0; i < convolutions.Count; i++)
                h = Activate(network.Description.HiddenActivation, Convolution(convolutions[i], convolution.Stages[i], h, $"conv{i}"));
            h = Flatten(h);
        }
        for (var i = 0; i < layers.Count; i++)
        {
            h = Linear(layers[i], h, $"enc{i}");
            if (i + 1 < layers.Count)
                h = Activate(network.Description.HiddenActivation, h);
        }
        return h;
    }

    /// <summary>The deterministic code, as <see cref="AutoencoderNetwork.Code"/>; written into <paramref name="output"/> when given.</summary>
    public string Code(string encoderOutput, string? output = null)
    {
        var d = network.Description;
        var code = d.Bottleneck switch
        {
            BottleneckKind.Identity => Activate(d.LatentActivation, encoderOutput),
            BottleneckKind.TopK => KeepTopK(encoderOutput, d.ScoringTopK),
            BottleneckKind.Gaussian => Slice(encoderOutput, 0, d.LatentDimension),
            _ => throw new InvalidOperationException($"Unknown bottleneck {d.Bottleneck}."),
        };
        return output is null ? code : Node("Identity", [code], output);
    }

    /// <summary>Maps codes back to input space, as <see cref="AutoencoderNetwork.Decode"/>.</summary>
    public string Decode(string code)
    {
        var d = network.Description;
        var layers = network.DecoderLayers;
        var transposed = network.TransposedConvolutionLayers;
        // The output activation follows the last layer: the last transposed convolution if there are any.
        var last = layers.Count + transposed.Count - 1;
        Activation ActivationAfter(int layer) => layer < last ? d.HiddenActivation : d.OutputActivation;

        var h = code;
        for (var i = 0; i < layers.Count; i++)
            h = Activate(ActivationAfter(i), Linear(layers[i], h, $"dec{i}"));
        if (d.Convolution is { Stages: var stages })
        {
            h = Reshape(h, [-1, stages[^1].OutputChannels, stages[^1].OutputHeight, stages[^1].OutputWidth], "mapsShape");
            for (var i = 0; i < transposed.Count; i++)
                h = Activate(ActivationAfter(layers.Count + i), TransposedConvolution(transposed[i], stages[stages.Count - 1 - i], h, $"deconv{i}"));
            h = Flatten(h);
        }
        return h;
    }

    /// <summary>Per-row mean squared error, shape [N, 1] (ML.NET's ONNX shape of a scalar column).</summary>
    public string RowMeanSquaredError(string reconstruction, string target)
    {
        var difference = Node("Sub", [reconstruction, target]);
        var squared = Node("Mul", [difference, difference]);
        var mean = Intermediate("ReduceMean");
        var node = ctx.CreateNode("ReduceMean", squared, mean, ctx.GetNodeName("ReduceMean"), "");
        node.AddAttribute("axes", new long[] { 1 });
        node.AddAttribute("keepdims", 1L);
        return mean;
    }

    /// <summary>Copies <paramref name="from"/> into the column variable <paramref name="to"/>.</summary>
    public void Assign(string from, string to) => ctx.CreateNode("Identity", from, to, ctx.GetNodeName("Identity"), "");

    /// <summary>The posterior log-variance of a Gaussian bottleneck, as <see cref="AutoencoderNetwork.LogVariance"/>.</summary>
    public string LogVariance(string encoderOutput) =>
        Slice(encoderOutput, network.Description.LatentDimension, network.Description.LatentDimension);

    /// <summary>One <paramref name="op"/> node whose output is a new float temporary; <paramref name="attributes"/> sets its attributes.</summary>
    public string Apply(string op, string[] inputs, Action<OnnxNode>? attributes = null)
    {
        var output = Intermediate(op);
        var node = ctx.CreateNode(op, inputs, new[] { output }, ctx.GetNodeName(op), "");
        attributes?.Invoke(node);
        return output;
    }

    /// <summary>A float initializer of shape <paramref name="dims"/>, named after the column.</summary>
    public string Constant(IEnumerable<float> values, long[] dims, string name) => ctx.AddInitializer(values, dims, $"{prefix}.{name}");

    /// <summary>A 1-D int64 initializer (shapes, indices, K), named after the column.</summary>
    public string Constant(long[] values, string name) => ctx.AddInitializer(values, new long[] { values.Length }, $"{prefix}.{name}");

    private string Linear(Linear layer, string input, string name)
    {
        var (weight, bias) = Weights(layer.weight!, layer.bias!, name);
        return Apply("Gemm", new[] { input, weight, bias }, node => node.AddAttribute("transB", 1L));
    }

    /// <summary>Conv with the stage's kernel, stride and padding.</summary>
    private string Convolution(Conv2d layer, ConvolutionStage stage, string input, string name) =>
        ImageNode("Conv", layer.weight!, layer.bias!, stage, input, name);

    /// <summary>
    /// ConvTranspose mirroring the stage: its output padding restores the stage's input height and width exactly
    /// (ONNX's output size is stride·(in − 1) + output_padding + kernel − 2·padding, as PyTorch's).
    /// </summary>
    private string TransposedConvolution(ConvTranspose2d layer, ConvolutionStage stage, string input, string name) =>
        ImageNode("ConvTranspose", layer.weight!, layer.bias!, stage, input, name,
            node => node.AddAttribute("output_padding", new long[] { stage.OutputPaddingHeight, stage.OutputPaddingWidth }));

    /// <summary>A Conv or ConvTranspose node with the stage's kernel, stride and padding (pads [top, left, bottom, right]).</summary>
    private string ImageNode(string op, Tensor weightParameter, Tensor biasParameter, ConvolutionStage stage, string input, string name,
        Action<OnnxNode>? more = null)
    {
        var (weight, bias) = Weights(weightParameter, biasParameter, name);
        return Apply(op, new[] { input, weight, bias }, node =>
        {
            node.AddAttribute("kernel_shape", new long[] { stage.KernelSize, stage.KernelSize });
            node.AddAttribute("strides", new long[] { stage.Stride, stage.Stride });
            node.AddAttribute("pads", new long[] { stage.Padding, stage.Padding, stage.Padding, stage.Padding });
            more?.Invoke(node);
        });
    }

    /// <summary>A layer's weight (in its own layout, row-major, any rank) and bias as initializers.</summary>
    private (string Weight, string Bias) Weights(Tensor weightParameter, Tensor biasParameter, string name)
    {
        using var scope = NewDisposeScope();
        var weight = weightParameter.detach().cpu().contiguous();
        var w = new float[weight.numel()];
        TensorData.Read(weight, w);
        var b = new float[biasParameter.numel()];
        TensorData.Read(biasParameter.detach().cpu().contiguous(), b);
        return (ctx.AddInitializer(w, weight.shape, $"{prefix}.{name}.weight"), ctx.AddInitializer(b, new long[] { b.Length }, $"{prefix}.{name}.bias"));
    }

    private string Reshape(string x, long[] shape, string name) => Node("Reshape", [x, Constant(shape, name)]);

    private string Flatten(string x)
    {
        var output = Intermediate("Flatten");
        ctx.CreateNode("Flatten", x, output, ctx.GetNodeName("Flatten"), "").AddAttribute("axis", 1L);
        return output;
    }

    private string Activate(Activation activation, string x)
    {
        switch (activation)
        {
            case Activation.Identity: return x;
            case Activation.Relu: return Node("Relu", [x]);
            case Activation.Tanh: return Node("Tanh", [x]);
            case Activation.Sigmoid: return Node("Sigmoid", [x]);
            case Activation.LeakyRelu:
            {
                var output = Intermediate("LeakyRelu");
                ctx.CreateNode("LeakyRelu", x, output, ctx.GetNodeName("LeakyRelu"), "").AddAttribute("alpha", 0.01);
                return output;
            }
            case Activation.Elu:
            {
                var output = Intermediate("Elu");
                ctx.CreateNode("Elu", x, output, ctx.GetNodeName("Elu"), "").AddAttribute("alpha", 1.0);
                return output;
            }
            case Activation.Gelu:
            {
                // torch's exact GELU: 0.5 x (1 + erf(x / sqrt 2)).
                var scaled = Node("Div", [x, ctx.AddInitializer((float)Math.Sqrt(2.0), "sqrt2")]);
                var erf = Node("Erf", [scaled]);
                var onePlus = Node("Add", [erf, ctx.AddInitializer(1f, "one")]);
                var half = Node("Mul", [x, ctx.AddInitializer(0.5f, "half")]);
                return Node("Mul", [half, onePlus]);
            }
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    private string KeepTopK(string code, int k)
    {
        var kName = ctx.AddInitializer(new long[] { k }, new long[] { 1 }, "k");
        var values = Intermediate("TopKValues");
        var indices = ctx.AddIntermediateVariable(new VectorDataViewType(NumberDataViewType.Int64), $"{prefix}.TopKIndices");
        ctx.CreateNode("TopK", new[] { code, kName }, new[] { values, indices }, ctx.GetNodeName("TopK"), "").AddAttribute("axis", 1L);
        var zeros = Node("Sub", [code, code]);
        var output = Intermediate("ScatterElements");
        ctx.CreateNode("ScatterElements", new[] { zeros, indices, values }, new[] { output }, ctx.GetNodeName("ScatterElements"), "")
            .AddAttribute("axis", 1L);
        return output;
    }

    private string Slice(string x, long start, long length)
    {
        var starts = ctx.AddInitializer(new long[] { start }, new long[] { 1 }, "starts");
        var ends = ctx.AddInitializer(new long[] { start + length }, new long[] { 1 }, "ends");
        var axes = ctx.AddInitializer(new long[] { 1 }, new long[] { 1 }, "axes");
        return Node("Slice", [x, starts, ends, axes]);
    }

    private string Node(string op, string[] inputs, string? output = null)
    {
        output ??= Intermediate(op);
        ctx.CreateNode(op, inputs, new[] { output }, ctx.GetNodeName(op), "");
        return output;
    }

    private string Intermediate(string what) => ctx.AddIntermediateVariable(Floats, $"{prefix}.{what}", skip: true);
}
