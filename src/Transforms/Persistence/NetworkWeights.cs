using System.Runtime.InteropServices;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Persistence;

/// <summary>
/// Writes and reads a network's parameters in our own flat format: for each parameter, its name, shape and
/// values. Reading checks every name and shape against the network rebuilt from its description before
/// allocating, so a corrupted file fails with <see cref="FormatException"/> instead of a native error, and every
/// value against <see cref="MaxMagnitude"/>, so a corrupted value fails instead of scoring infinities.
/// </summary>
internal static class NetworkWeights
{
    /// <summary>
    /// The largest weight magnitude a model file may hold. Adam moves a weight by about the learning rate per step, so
    /// training does not come near it; a flipped exponent bit does (a weight of 0.1 becomes 3e37) and would make the
    /// loaded model score infinities.
    /// </summary>
    public const float MaxMagnitude = 1e8f;

    public static void Write(BinaryWriter writer, AutoencoderNetwork network)
    {
        var parameters = network.named_parameters().ToList();
        writer.Write(parameters.Count);
        foreach (var (name, parameter) in parameters)
        {
            writer.Write(name);
            writer.Write(parameter.shape.Length);
            foreach (var dim in parameter.shape)
                writer.Write(dim);
            using var values = parameter.detach().cpu().contiguous();
            var data = values.data<float>().ToArray();
            writer.Write(data.Length);
            writer.Write(MemoryMarshal.AsBytes(data.AsSpan()));
        }
    }

    /// <summary>
    /// Builds the network <paramref name="description"/> describes and reads its weights; a failure disposes the
    /// half-built network, so nothing native leaks from a corrupted file.
    /// </summary>
    public static AutoencoderNetwork ReadNetwork(BinaryReader reader, NetworkDescription description)
    {
        TorchRuntime.EnsureLoaded();
        var network = new AutoencoderNetwork(description);
        try
        {
            Read(reader, network);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    public static void Read(BinaryReader reader, AutoencoderNetwork network)
    {
        var parameters = network.named_parameters().ToList();
        var count = reader.ReadInt32();
        if (count != parameters.Count)
            throw new FormatException($"Model file holds {count} weight tensors; the described network has {parameters.Count}.");
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            var storedName = reader.ReadString();
            if (storedName != name)
                throw new FormatException($"Model file holds weight '{storedName}' where '{name}' was expected.");
            var rank = reader.ReadInt32();
            if (rank != parameter.shape.Length)
                throw new FormatException($"Weight '{name}' has rank {rank} in the model file; expected {parameter.shape.Length}.");
            for (var d = 0; d < rank; d++)
            {
                var dim = reader.ReadInt64();
                if (dim != parameter.shape[d])
                    throw new FormatException($"Weight '{name}' has shape dimension {d} = {dim} in the model file; expected {parameter.shape[d]}.");
            }
            var length = reader.ReadInt32();
            if (length != parameter.numel())
                throw new FormatException($"Weight '{name}' holds {length} values in the model file; expected {parameter.numel()}.");
            var values = new float[length];
            var bytes = reader.ReadBytes(checked(length * sizeof(float)));
            if (bytes.Length != length * sizeof(float))
                throw new FormatException($"Model file ends inside weight '{name}'.");
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            var outOfRange = Array.FindIndex(values, v => !(Math.Abs(v) <= MaxMagnitude));
            if (outOfRange >= 0)
                throw new FormatException($"Weight '{name}' holds {values[outOfRange]} at index {outOfRange}, beyond the ±{MaxMagnitude:G} " +
                                          "no training reaches: the model file is corrupted.");
            using var source = tensor(values).reshape(parameter.shape);
            parameter.copy_(source);
        }
    }
}
