using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Scoring;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The detector bound to a schema for ML.NET's own scorers (<see cref="AnomalyPredictionTransformer{TModel}"/>):
/// one <c>Score</c> column, computed row by row through the single-row path. ML.NET adds <c>PredictedLabel</c>.
/// </summary>
internal sealed class AnomalyBoundMapper : ISchemaBoundRowMapper
{
    private readonly AutoencoderAnomalyModelParameters model;
    private readonly ScoringRowMapper rows;

    public AnomalyBoundMapper(AutoencoderAnomalyModelParameters model, RoleMappedSchema schema)
    {
        this.model = model;
        InputRoleMappedSchema = schema;
        var scorer = new AnomalyScorer(model, DefaultColumnNames.Score, predictedLabelColumn: null, threshold: 0);
        rows = new ScoringRowMapper(schema.Schema, schema.Feature!.Value.Name, scorer);
        var output = new DataViewSchema.Builder();
        output.AddColumn(DefaultColumnNames.Score, NumberDataViewType.Single);
        OutputSchema = output.ToSchema();
    }

    public RoleMappedSchema InputRoleMappedSchema { get; }

    public DataViewSchema InputSchema => InputRoleMappedSchema.Schema;

    public DataViewSchema OutputSchema { get; }

    public ISchemaBindableMapper Bindable => model;

    public IEnumerable<KeyValuePair<RoleMappedSchema.ColumnRole, string>> GetInputColumnRoles()
    {
        yield return RoleMappedSchema.ColumnRole.Feature.Bind(InputRoleMappedSchema.Feature!.Value.Name);
    }

    public IEnumerable<DataViewSchema.Column> GetDependenciesForNewColumns(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        dependingColumns.Any() ? [InputRoleMappedSchema.Feature!.Value] : [];

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var scoreActive = activeColumns.Any(c => c.Index == 0);
        var score = rows.OutputSchema[InputSchema.Count];
        return new ScoreRow(OutputSchema, rows.GetRow(input, scoreActive ? [score] : []), score, scoreActive);
    }

    /// <summary>Shows only the score column of the single-row mapper's output row.</summary>
    private sealed class ScoreRow(DataViewSchema schema, DataViewRow scored, DataViewSchema.Column score, bool active) : DataViewRow
    {
        public override DataViewSchema Schema => schema;

        public override long Position => scored.Position;

        public override long Batch => scored.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => scored.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => active && column.Index == 0;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the row was created.");
            return scored.GetGetter<TValue>(score);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                scored.Dispose();
            base.Dispose(disposing);
        }
    }
}
