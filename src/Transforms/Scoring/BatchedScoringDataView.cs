using System.Buffers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using MLNetAutoencoders.Onnx;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders.Scoring;

/// <summary>
/// The lazy output of a scoring transformer: the input view plus the scorer's columns. Its cursor runs the
/// network on batches of rows: a second cursor over the input, with only the input column active, reads
/// ahead one batch at a time while the main cursor serves the pass-through columns row by row. Both
/// cursors see the same rows in the same order (an IDataView's cursors are repeatable), so nothing is
/// materialised and nothing is read more than twice. A scorer whose input size is 0 reads no column: the rows
/// only give it positions (a prior sampler). A cursor writes the input rows straight into the scorer's
/// <see cref="InputBatch"/> (for a network, a tensor it reads in place) and rents its output arrays from
/// <see cref="ArrayPool{T}.Shared"/>; it disposes and returns them when disposed (a fresh large-object-heap array per
/// cursor cost a gen-2 collection every few cursors).
/// </summary>
internal sealed class BatchedScoringDataView : ITransformCanSaveOnnx
{
    private readonly IDataView source;
    private readonly DataViewSchema.Column? inputColumn;
    private readonly IBatchScorer scorer;
    private readonly int batchSize;

    public BatchedScoringDataView(IDataView source, string inputColumnName, IBatchScorer scorer, int batchSize)
    {
        this.source = source;
        this.scorer = scorer;
        this.batchSize = batchSize;
        inputColumn = scorer.InputSize == 0 ? null : SchemaChecks.RequireSingleVector(source.Schema, inputColumnName, scorer.InputSize);
        Schema = BuildSchema(source.Schema, scorer.Outputs);
    }

    public static DataViewSchema BuildSchema(DataViewSchema input, IReadOnlyList<ScoredColumn> outputs)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var output in outputs)
            builder.AddColumn(output.Name, output.Type);
        return builder.ToSchema();
    }

    public bool CanShuffle => false;

    // ML.NET's ONNX converter (mlContext.Model.ConvertToOnnx) walks the output view back through IDataTransform.Source
    // and asks each ITransformCanSaveOnnx to write its nodes: being one is what makes a pipeline holding us exportable.
    // A step that answers CanSaveOnnx = false is skipped with a warning and the file silently lacks its columns, so
    // this view never answers false: it throws, with the scorer's own reason, when its scorer cannot be written.
    IDataView IDataTransform.Source => source;

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("Save the transformer (mlContext.Model.Save), not its output view.");

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => RequireExportable(ctx) is not null;

    void ISaveAsOnnx.SaveAsOnnx(OnnxContext ctx)
    {
        var onnx = RequireExportable(ctx);
        if (inputColumn is { } input && !ctx.ContainsColumn(input.Name))
            throw new InvalidOperationException($"ONNX export: input column '{input.Name}' is not produced by the exported part of the pipeline.");
        var variable = inputColumn is { } column ? ctx.GetVariableName(column.Name) : "";
        var outputs = scorer.Outputs.Select(o => ctx.AddIntermediateVariable(o.Type, o.Name)).ToList();
        onnx.SaveAsOnnx(ctx, variable, outputs);
    }

    /// <summary>The scorer as an ONNX writer; its own CanSaveOnnx throws when it cannot export (naming the column and why).</summary>
    private IOnnxScorer RequireExportable(OnnxContext ctx)
    {
        if (scorer is IOnnxScorer onnx && onnx.CanSaveOnnx(ctx))
            return onnx;
        throw new NotSupportedException(
            $"Column(s) '{string.Join("', '", scorer.Outputs.Select(o => o.Name))}' cannot be exported to ONNX: " +
            $"{scorer.GetType().Name} writes no ONNX nodes. Conversion stops rather than write a model without them.");
    }

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        var active = new bool[scorer.Outputs.Count];
        foreach (var column in needed.Where(c => c.Index >= source.Schema.Count))
            active[column.Index - source.Schema.Count] = true;
        var sourceColumns = needed.Where(c => c.Index < source.Schema.Count).Select(c => source.Schema[c.Index]);
        var main = source.GetRowCursor(sourceColumns);
        if (!active.Any(a => a))
            return new Cursor(this, main, null, active);
        var lookahead = source.GetRowCursor(inputColumn is { } input ? new[] { input } : []);
        return new Cursor(this, main, lookahead, active);
    }

    /// <summary>Batching needs one ordered stream, so this view always yields a single cursor.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchedScoringDataView view;
        private readonly DataViewRowCursor main;
        private readonly DataViewRowCursor? lookahead;
        private readonly ValueGetter<VBuffer<float>>? inputGetter;
        private readonly bool[] active;
        private readonly InputBatch inputBatch;
        private readonly float[][] outputBatch;
        private VBuffer<float> inputBuffer;
        private int rowsInBatch;
        private int rowInBatch;
        private long batchStart;
        private bool disposed;

        public Cursor(BatchedScoringDataView view, DataViewRowCursor main, DataViewRowCursor? lookahead, bool[] active)
        {
            this.view = view;
            this.main = main;
            this.lookahead = lookahead;
            this.active = active;
            inputGetter = view.inputColumn is { } input ? lookahead?.GetGetter<VBuffer<float>>(input) : null;
            var capacity = lookahead is null ? 0 : view.batchSize;
            inputBatch = view.scorer.CreateInputBatch(capacity);
            outputBatch = view.scorer.Outputs.Select((o, i) => Rent(active[i] ? capacity * o.Width : 0)).ToArray();
        }

        public override DataViewSchema Schema => view.Schema;

        public override long Position => main.Position;

        public override long Batch => main.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => main.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            var sourceCount = view.source.Schema.Count;
            return column.Index < sourceCount ? main.IsColumnActive(view.source.Schema[column.Index]) : active[column.Index - sourceCount];
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var sourceCount = view.source.Schema.Count;
            if (column.Index < sourceCount)
                return main.GetGetter<TValue>(view.source.Schema[column.Index]);
            var output = column.Index - sourceCount;
            if (!active[output])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            var width = view.scorer.Outputs[output].Width;
            var values = outputBatch[output];
            return ScoredGetters.Create<TValue>(view.scorer.Outputs[output], () => values.AsSpan(rowInBatch * width, width));
        }

        public override bool MoveNext()
        {
            if (!main.MoveNext())
                return false;
            if (lookahead is null)
                return true;
            if (++rowInBatch >= rowsInBatch)
                FillBatch();
            return true;
        }

        private void FillBatch()
        {
            var size = view.scorer.InputSize;
            batchStart = main.Position;
            rowsInBatch = 0;
            var values = inputGetter is null ? default : inputBatch.Values;
            while (rowsInBatch < view.batchSize && lookahead!.MoveNext())
            {
                if (inputGetter is not null)
                    InputColumn.Read(inputGetter, ref inputBuffer, values.Slice(rowsInBatch * size, size), view.inputColumn!.Value.Name);
                rowsInBatch++;
            }
            if (rowsInBatch == 0)
                throw new InvalidOperationException("The input view yielded fewer rows on its second cursor than on its first: its cursors are not repeatable.");
            view.scorer.Score(inputBatch, rowsInBatch, batchStart, active, outputBatch);
            rowInBatch = 0;
        }

        // Rented arrays may be longer than asked for; every use goes by offsets from the start.
        private static float[] Rent(int length) => length == 0 ? [] : ArrayPool<float>.Shared.Rent(length);

        private static void Return(float[] array)
        {
            if (array.Length > 0)
                ArrayPool<float>.Shared.Return(array);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !disposed)
            {
                disposed = true;
                main.Dispose();
                lookahead?.Dispose();
                inputBatch.Dispose();
                foreach (var output in outputBatch)
                    Return(output);
            }
            base.Dispose(disposing);
        }
    }
}
