using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders.Scoring;

/// <summary>
/// The single-row path (PredictionEngine, <see cref="ITransformer.GetRowToRowMapper"/>): outputs are computed on
/// first access for the current row with a batch of one, and cached until the input row moves. A scorer whose
/// input size is 0 reads no column.
/// <para>
/// ML.NET's PredictionEngine activates every output column (<c>mapper.GetRow(inputRow, mapper.OutputSchema)</c>) but calls
/// the getters of its output class only, the same ones for every prediction. So a row scores every active column the
/// first time, and from then on only the columns whose getters have been called on it: an output class reading
/// Embedding alone no longer pays for the decoder. A getter called later for a column not computed for the current row
/// scores that row again with it added (the values do not depend on which columns are computed with them).
/// </para>
/// </summary>
internal sealed class ScoringRowMapper : IRowToRowMapper
{
    private readonly DataViewSchema.Column? inputColumn;
    private readonly IBatchScorer scorer;

    public ScoringRowMapper(DataViewSchema inputSchema, string inputColumnName, IBatchScorer scorer)
    {
        InputSchema = inputSchema;
        this.scorer = scorer;
        inputColumn = scorer.InputSize == 0 ? null : SchemaChecks.RequireSingleVector(inputSchema, inputColumnName, scorer.InputSize);
        OutputSchema = BatchedScoringDataView.BuildSchema(inputSchema, scorer.Outputs);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = dependingColumns.ToList();
        var result = needed.Where(c => c.Index < InputSchema.Count).Select(c => InputSchema[c.Index]).ToList();
        if (inputColumn is { } input && needed.Any(c => c.Index >= InputSchema.Count) && result.All(c => c.Index != input.Index))
            result.Add(input);
        return result;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var active = new bool[scorer.Outputs.Count];
        foreach (var column in activeColumns.Where(c => c.Index >= InputSchema.Count))
            active[column.Index - InputSchema.Count] = true;
        return new Row(this, input, active);
    }

    private sealed class Row : DataViewRow
    {
        private readonly ScoringRowMapper mapper;
        private readonly DataViewRow input;
        private readonly bool[] active;
        private readonly ArrayInputBatch features;
        private readonly float[][] outputs;
        private readonly ValueGetter<VBuffer<float>>? inputGetter;
        // requested: the outputs whose getters have been called on this row so far; computed: those valid for scoredPosition.
        private readonly bool[] requested;
        private readonly bool[] computed;
        private bool anyRequested;
        private VBuffer<float> inputBuffer;
        private long scoredPosition = -1;

        public Row(ScoringRowMapper mapper, DataViewRow input, bool[] active)
        {
            this.mapper = mapper;
            this.input = input;
            this.active = active;
            features = new ArrayInputBatch(1, mapper.scorer.InputSize);
            outputs = mapper.scorer.Outputs.Select((o, i) => new float[active[i] ? o.Width : 0]).ToArray();
            requested = new bool[active.Length];
            computed = new bool[active.Length];
            if (mapper.inputColumn is { } column && active.Any(a => a))
                inputGetter = input.GetGetter<VBuffer<float>>(column);
        }

        public override DataViewSchema Schema => mapper.OutputSchema;

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            var sourceCount = mapper.InputSchema.Count;
            return column.Index < sourceCount ? input.IsColumnActive(mapper.InputSchema[column.Index]) : active[column.Index - sourceCount];
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var sourceCount = mapper.InputSchema.Count;
            if (column.Index < sourceCount)
                return input.GetGetter<TValue>(mapper.InputSchema[column.Index]);
            var output = column.Index - sourceCount;
            if (!active[output])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the row was created.");
            return ScoredGetters.Create<TValue>(mapper.scorer.Outputs[output], () =>
            {
                EnsureScored(output);
                return outputs[output];
            });
        }

        private void EnsureScored(int output)
        {
            var samePosition = scoredPosition == input.Position && input.Position >= 0;
            if (samePosition && computed[output])
                return;
            // The first row computes every active column; later rows the columns asked for so far, this one included.
            var columns = anyRequested ? requested : active;
            requested[output] = true;
            anyRequested = true;
            if (inputGetter is not null && !samePosition)
                InputColumn.Read(inputGetter, ref inputBuffer, features.Values, mapper.inputColumn!.Value.Name);
            mapper.scorer.Score(features, 1, input.Position, columns, outputs);
            Array.Copy(columns, computed, computed.Length);
            scoredPosition = input.Position;
        }
    }
}
