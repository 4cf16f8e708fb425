using MLNetAutoencoders.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Networks;

/// <summary>
/// The convolution stages' arithmetic, written as matrix products over image patches ("im2col"): a convolution
/// unfolds every kernel-sized patch of its input into a column and multiplies the columns by the kernel matrix; a
/// transposed convolution multiplies first and folds the columns back, summing where patches overlap. The layers
/// keep PyTorch's weight layouts (Conv2d [out, in, k, k], ConvTranspose2d [in, out, k, k]) and initialisation, so a
/// network matches a PyTorch one parameter for parameter; only their forward is ours.
/// </summary>
/// <remarks>
/// Why not libtorch's own convolution: TorchSharp 0.107.0 bundles libtorch with oneDNN 3.7.1, whose AVX-512
/// kernels for a convolution's input gradient and for the transposed convolution gave wrong values (errors of 2 to
/// 10 against a double-precision sum), for some small shapes and on early calls only, on the machines this library
/// is tested on (docs/design/conv-autoencoders.md, section 14). Unfold, fold and matrix products are libtorch's own
/// kernels and BLAS: correct for every shape and deterministic at a fixed thread count (the speed benchmark's
/// `--network conv` compares Fit with a loop over libtorch's own kernels). Each stage is one matrix product over the
/// whole batch. The fold's output size restores each stage's input size exactly, which is what the transposed
/// convolution's output padding does.
/// </remarks>
internal static class ImageLayers
{
    /// <summary>The stage's convolution of <paramref name="maps"/> [rows, in, h, w] to [rows, out, h', w'].</summary>
    public static Tensor Convolve(Tensor maps, Conv2d layer, ConvolutionStage stage)
    {
        var rows = maps.shape[0];
        var positions = (long)stage.OutputHeight * stage.OutputWidth;
        var columns = nn.functional.unfold(maps, (stage.KernelSize, stage.KernelSize), dilation: (1, 1),
            padding: (stage.Padding, stage.Padding), stride: (stage.Stride, stage.Stride));                   // [rows, in·k·k, h'·w']
        // One matrix product for the whole batch, [rows·h'·w', in·k·k] x [in·k·k, out]: a product per row (libtorch's
        // batched matmul of the kernel with each row's columns) was three times slower for the 32 -> 64 stage.
        var patches = columns.transpose(1, 2).reshape(rows * positions, -1);
        var kernel = layer.weight!.view(stage.OutputChannels, -1).t();                                        // [in·k·k, out]
        var outputs = patches.mm(kernel).Plus(layer.bias!);                                                   // [rows·h'·w', out]
        return outputs.view(rows, positions, stage.OutputChannels).transpose(1, 2)
            .reshape(rows, stage.OutputChannels, stage.OutputHeight, stage.OutputWidth);
    }

    /// <summary>
    /// The stage's transposed convolution of <paramref name="maps"/> [rows, out, h', w'] back to the stage's input
    /// size, [rows, in, h, w].
    /// </summary>
    public static Tensor ConvolveTransposed(Tensor maps, ConvTranspose2d layer, ConvolutionStage stage)
    {
        var rows = maps.shape[0];
        var positions = (long)stage.OutputHeight * stage.OutputWidth;
        var pixels = maps.reshape(rows, stage.OutputChannels, positions).transpose(1, 2)
            .reshape(rows * positions, stage.OutputChannels);                                                // [rows·h'·w', out]
        var kernel = layer.weight!.view(stage.OutputChannels, -1);                                            // [out, in·k·k]
        var columns = pixels.mm(kernel).view(rows, positions, -1).transpose(1, 2);                            // [rows, in·k·k, h'·w']
        var image = nn.functional.fold(columns, (stage.InputHeight, stage.InputWidth), (stage.KernelSize, stage.KernelSize),
            dilation: (1, 1), padding: (stage.Padding, stage.Padding), stride: (stage.Stride, stage.Stride)); // [rows, in, h, w]
        return image.Plus(layer.bias!.view(1, stage.InputChannels, 1, 1));
    }
}
