using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Tests.Foundation;

// Registers the loader ML.NET's Model.Load looks up by the loader signature saved in the model.
// The attribute type is internal to Microsoft.ML.Core: the runtime honours it only because this
// assembly declares [IgnoresAccessChecksTo("Microsoft.ML.Core")] (build/MLNetInternals).
[assembly: LoadableClass(ScaleByFactorTransformer.Summary, typeof(ScaleByFactorTransformer), null, typeof(SignatureLoadModel),
    ScaleByFactorTransformer.UserName, ScaleByFactorTransformer.LoaderSignature)]

namespace MLNetAutoencoders.Tests.Foundation;

/// <summary>
/// Guard transformer for model persistence: multiplies a <c>float</c> vector column by a factor that is
/// saved in the model. It is deliberately tiny and follows ML.NET's own pattern (derive from
/// <see cref="OneToOneTransformerBase"/>, save with <see cref="ModelSaveContext"/>, load through a
/// <see cref="LoadableClassAttribute"/> and a static <c>Create(IHostEnvironment, ModelLoadContext)</c>); our
/// transformers save and load the same way (though not derived from OneToOneTransformerBase, because they
/// score in batches), so that if that route stops working the failure shows up here, without torch.
/// </summary>
public sealed class ScaleByFactorTransformer : OneToOneTransformerBase
{
    internal const string Summary = "Multiplies a float vector column by a saved factor (model persistence guard).";
    internal const string UserName = "Scale By Factor (test)";

    // At most 24 characters; unique among every loader ML.NET knows.
    internal const string LoaderSignature = "MLNetAeTestScaleByFactor";

    /// <summary>The factor every value is multiplied by.</summary>
    public float Factor { get; }

    /// <summary>Creates a transformer writing <paramref name="inputColumnName"/> × <paramref name="factor"/>
    /// to <paramref name="outputColumnName"/>.</summary>
    public ScaleByFactorTransformer(IHostEnvironment env, string outputColumnName, string inputColumnName, float factor)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(ScaleByFactorTransformer)), (outputColumnName, inputColumnName))
    {
        Host.CheckParam(float.IsFinite(factor), nameof(factor), "must be finite");
        Factor = factor;
    }

    private ScaleByFactorTransformer(IHost host, ModelLoadContext ctx)
        : base(host, ctx) // reads the column pairs written by SaveColumns
    {
        // *** Binary format (after the column pairs) ***
        // float: factor
        Factor = ctx.Reader.ReadSingle();
        Host.CheckDecode(float.IsFinite(Factor));
    }

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "SCALEBYF", // exactly 8 characters
        verWrittenCur: 0x00010001, // initial
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        // The simple name: a fresh process then loads this assembly by name, no registration call needed.
        loaderAssemblyName: typeof(ScaleByFactorTransformer).Assembly.GetName().Name);

    // Factory method for SignatureLoadModel, found by ML.NET through the LoadableClass attribute above.
    private static ScaleByFactorTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        var host = env.Register(nameof(ScaleByFactorTransformer));
        host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(GetVersionInfo());
        return new ScaleByFactorTransformer(host, ctx);
    }

    /// <inheritdoc />
    public override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        SaveColumns(ctx);
        ctx.Writer.Write(Factor);
    }

    /// <inheritdoc />
    public override void CheckInputColumn(DataViewSchema inputSchema, int col, int srcCol)
    {
        var type = inputSchema[srcCol].Type;
        if (type is not VectorDataViewType { ItemType: NumberDataViewType number } || number != NumberDataViewType.Single)
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", ColumnPairs[col].inputColumnName, "vector of Single", type.ToString());
    }

    /// <inheritdoc />
    public override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : OneToOneMapperBase
    {
        private readonly ScaleByFactorTransformer _parent;

        public Mapper(ScaleByFactorTransformer parent, DataViewSchema inputSchema)
            : base(parent.Host.Register(nameof(Mapper)), parent, inputSchema)
        {
            _parent = parent;
        }

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
        {
            var result = new DataViewSchema.DetachedColumn[_parent.ColumnPairs.Length];
            for (var i = 0; i < result.Length; i++)
            {
                var source = InputSchema[ColMapNewToOld[i]];
                result[i] = new DataViewSchema.DetachedColumn(_parent.ColumnPairs[i].outputColumnName, source.Type);
            }
            return result;
        }

        protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var sourceGetter = input.GetGetter<VBuffer<float>>(input.Schema[ColMapNewToOld[iinfo]]);
            var factor = _parent.Factor;
            var source = default(VBuffer<float>);
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> destination) =>
            {
                sourceGetter(ref source);
                var editor = VBufferEditor.Create(ref destination, source.Length);
                var i = 0;
                foreach (var value in source.DenseValues())
                    editor.Values[i++] = value * factor;
                destination = editor.Commit();
            };
            return getter;
        }
    }
}
