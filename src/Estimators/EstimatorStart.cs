using Microsoft.ML.Runtime;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders;

/// <summary>
/// The constructor prologue every estimator of this library shares, as ML.NET's <c>TrainerEstimatorBase</c> does for its
/// trainers: the environment checked, the estimator's host registered under its name, and a validated copy of its
/// options kept, so a caller changing its options object afterwards changes neither the estimator nor what was checked.
/// </summary>
internal static class EstimatorStart
{
    public static (IHost Host, TOptions Options) Register<TOptions>(IHostEnvironment env, string name, TOptions options,
        Func<TOptions, TOptions> clone, Action<TOptions> validate) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(env);
        var copy = OptionChecks.ValidatedCopy(options, clone, validate);
        return (env.Register(name), copy);
    }
}
