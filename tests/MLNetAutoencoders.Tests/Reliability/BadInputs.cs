using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Tests.Reliability;

/// <summary>Data views whose "Features" column has a wrong type, with the type name the messages report for it.</summary>
public static class BadInputs
{
    private sealed class DoubleRow { [VectorType(16)] public double[] Features { get; set; } = new double[16]; }
    private sealed class TextRow { public string Features { get; set; } = "x"; }
    private sealed class KeyRow { [KeyType(10)] public uint Features { get; set; } = 1; }
    private sealed class KeyVectorRow { [KeyType(10), VectorType(16)] public uint[] Features { get; set; } = new uint[16]; }
    private sealed class ScalarRow { public float Features { get; set; } }
    private sealed class VariableRow { public float[] Features { get; set; } = new float[16]; }

    /// <summary>The cases: name of a wrong type, for theories.</summary>
    public static TheoryDataOfString Cases => new() { "Double", "Text", "Key", "KeyVector", "Scalar", "VariableSize" };

    /// <summary>A two-row view whose "Features" column is of the wrong type <paramref name="kind"/>.</summary>
    public static IDataView View(MLContext ml, string kind) => kind switch
    {
        "Double" => ml.Data.LoadFromEnumerable(new[] { new DoubleRow(), new DoubleRow() }),
        "Text" => ml.Data.LoadFromEnumerable(new[] { new TextRow(), new TextRow() }),
        "Key" => ml.Data.LoadFromEnumerable(new[] { new KeyRow(), new KeyRow() }),
        "KeyVector" => ml.Data.LoadFromEnumerable(new[] { new KeyVectorRow(), new KeyVectorRow() }),
        "Scalar" => ml.Data.LoadFromEnumerable(new[] { new ScalarRow(), new ScalarRow() }),
        "VariableSize" => ml.Data.LoadFromEnumerable(new[] { new VariableRow(), new VariableRow() }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>How an estimator's message names the actual type (SchemaShape: no sizes).</summary>
    public static string EstimatorTypeName(string kind) => kind switch
    {
        "Double" => "Vector<Double>",
        "Text" => "scalar String",
        "Key" => "scalar Key<UInt32>",
        "KeyVector" => "Vector<Key<UInt32>>",
        "Scalar" => "scalar Single",
        "VariableSize" => "variable-size Vector<Single>",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>How a fitted transformer's message names the actual type (DataViewSchema: with sizes).</summary>
    public static string TransformerTypeName(string kind) => kind switch
    {
        "Double" => "Vector<Double, 16>",
        "Text" => "String",
        "Key" => "Key<UInt32, 10>",
        "KeyVector" => "Vector<Key<UInt32, 0-9>, 16>",
        "Scalar" => "Single",
        "VariableSize" => "a variable-size Vector<Single>",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>Theory data of strings.</summary>
public sealed class TheoryDataOfString : Xunit.TheoryData<string>;
