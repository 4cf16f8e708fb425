using System.Runtime.InteropServices;
using TorchSharp;

namespace MLNetAutoencoders.Native;

/// <summary>
/// Loads TorchSharp's native libraries once and turns a load failure into a message that says what is
/// missing and how to check it (TorchSharp's own message blames a missing package reference).
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Throws <see cref="InvalidOperationException"/> with a diagnosis when libtorch cannot be used.</summary>
    public static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } failure)
            throw new InvalidOperationException(Diagnose(failure), failure);
    }

    private static Exception? TryLoad()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            using var probe = torch.zeros(1);
            return null;
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException or ExternalException)
        {
            return ex;
        }
    }

    private static string Diagnose(Exception failure)
    {
        var bridge = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        var hint = RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
            ? $"Check the native dependencies with `ldd {bridge}`. TorchSharp 0.107.0 needs GLIBCXX_3.4.32 (libstdc++ of GCC 13); " +
              "on older systems (Debian 12, Ubuntu 22.04) the MLNetAutoencoders build step marks that requirement weak in the " +
              "output folder's copy: make sure the project was built with `dotnet build` (or published with `dotnet publish`) " +
              "referencing the MLNetAutoencoders packages, and that libtorch-cpu-linux-x64's libraries sit beside the application."
            : "Check that the TorchSharp-cpu package's native libraries (libtorch-cpu) were copied beside the application.";
        return $"MLNetAutoencoders could not load TorchSharp's native library (libtorch). {hint} Original error: {Innermost(failure).Message}";
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
            ex = ex.InnerException;
        return ex;
    }
}
