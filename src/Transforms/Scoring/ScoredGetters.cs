using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Scoring;

/// <summary>Getters that copy a scored row out of a batch buffer into ML.NET's value types.</summary>
internal static class ScoredGetters
{
    public delegate ReadOnlySpan<float> RowValues();

    public static ValueGetter<TValue> Create<TValue>(ScoredColumn column, RowValues current)
    {
        if (column.IsBoolean)
        {
            if (typeof(TValue) != typeof(bool))
                throw new InvalidOperationException($"Column '{column.Name}' is of type Boolean, not {typeof(TValue).Name}.");
            ValueGetter<bool> flag = (ref bool value) => value = current()[0] != 0;
            return (ValueGetter<TValue>)(Delegate)flag;
        }
        if (column.Size == 0)
        {
            if (typeof(TValue) != typeof(float))
                throw new InvalidOperationException($"Column '{column.Name}' is of type Single, not {typeof(TValue).Name}.");
            ValueGetter<float> scalar = (ref float value) => value = current()[0];
            return (ValueGetter<TValue>)(Delegate)scalar;
        }
        if (typeof(TValue) != typeof(VBuffer<float>))
            throw new InvalidOperationException($"Column '{column.Name}' is of type Vector<Single, {column.Size}>, not {typeof(TValue).Name}.");
        ValueGetter<VBuffer<float>> vector = (ref VBuffer<float> value) =>
        {
            var editor = VBufferEditor.Create(ref value, column.Size);
            current().CopyTo(editor.Values);
            value = editor.Commit();
        };
        return (ValueGetter<TValue>)(Delegate)vector;
    }
}
