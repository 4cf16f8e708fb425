using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders.Scoring;

/// <summary>
/// The single-row path (PredictionEngine, <see cref="ITransformer.GetRowToRowMapper"/>): outputs are computed on
/// first access for the current row with a batch of one, and cached until the input row moves. A scorer whose
/// input size is 0 reads no column.
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
        private readonly float[] features;
        private readonly float[][] outputs;
        private readonly ValueGetter<VBuffer<float>>? inputGetter;
        private VBuffer<float> inputBuffer;
        private long scoredPosition = -1;

        public Row(ScoringRowMapper mapper, DataViewRow input, bool[] active)
        {
            this.mapper = mapper;
            this.input = input;
            this.active = active;
            features = new float[mapper.scorer.InputSize];
            outputs = mapper.scorer.Outputs.Select((o, i) => new float[active[i] ? o.Width : 0]).ToArray();
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
                EnsureScored();
                return outputs[output];
            });
        }

        private void EnsureScored()
        {
            if (scoredPosition == input.Position && input.Position >= 0)
                return;
            if (inputGetter is not null)
                InputColumn.Read(inputGetter, ref inputBuffer, features, mapper.inputColumn!.Value.Name);
            mapper.scorer.Score(features, 1, input.Position, active, outputs);
            scoredPosition = input.Position;
        }
    }
}
