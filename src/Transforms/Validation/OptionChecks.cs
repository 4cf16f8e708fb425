using System.Diagnostics.CodeAnalysis;

namespace MLNetAutoencoders.Validation;

/// <summary>
/// Checks of option values at the public boundary of both assemblies, phrased alike everywhere:
/// "{option} must be {expected}; got {value}."
/// </summary>
internal static class OptionChecks
{
    /// <summary>Throws unless <paramref name="name"/> is a non-empty column name; <paramref name="alternative"/> adds what else is accepted.</summary>
    public static void RequireName(string? name, string option, string? alternative = null)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"{option} must be a non-empty column name{(alternative is null ? "" : $", {alternative}")}.", option);
    }

    /// <summary>Throws unless <paramref name="value"/> is at least 1.</summary>
    public static void RequirePositive(int value, string option)
    {
        if (value < 1) Fail(option, value, "a positive value");
    }

    /// <summary>Throws unless <paramref name="value"/> is a named member of its enum.</summary>
    public static void RequireDefined<TEnum>(TEnum value, string option) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) Fail(option, value, $"a defined {typeof(TEnum).Name}");
    }

    /// <summary>
    /// The one statement of the rule that whatever reads decoder outputs as probabilities (binary cross-entropy, the
    /// Bernoulli likelihood, a Bernoulli draw) needs them in [0, 1], i.e. a Sigmoid output activation.
    /// </summary>
    /// <param name="output">The network's output activation.</param>
    /// <param name="what">What reads the outputs as probabilities, as the message's subject: "Binary cross-entropy".</param>
    /// <param name="parameter">The parameter the exception names.</param>
    public static void RequireSigmoidOutput(Activation output, string what, string parameter)
    {
        if (output != Activation.Sigmoid)
            throw new ArgumentException($"{what} needs decoder outputs in [0, 1] (OutputActivation = Sigmoid); got {output}.", parameter);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/>: "{option} must be {expected}; got {value}."</summary>
    [DoesNotReturn]
    public static void Fail(string option, object value, string expected) =>
        throw new ArgumentOutOfRangeException(option, value, $"{option} must be {expected}; got {value}.");

    /// <summary>
    /// A copy of <paramref name="options"/> that has passed <paramref name="validate"/>: what an estimator keeps, so a
    /// caller changing its options object afterwards changes neither the estimator nor what was checked.
    /// </summary>
    public static T ValidatedCopy<T>(T options, Func<T, T> clone, Action<T> validate) where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = clone(options);
        validate(copy);
        return copy;
    }
}
