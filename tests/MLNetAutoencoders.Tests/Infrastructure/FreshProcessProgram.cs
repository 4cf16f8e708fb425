using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>
/// Entry point of the test assembly when <see cref="FreshProcess"/> runs it as a program
/// (<c>dotnet exec MLNetAutoencoders.Tests.dll &lt;command&gt; ...</c>; the test SDK's generated
/// Program is turned off in the csproj). Each command starts from a brand-new process: a plain
/// <c>new MLContext()</c>, no registration call and none of our types touched before the model is
/// loaded, exactly like an application that only has the model file.
/// </summary>
/// <remarks>
/// Exit codes: 0 success, 1 the command failed (exception written to stderr), 2 bad usage.
/// </remarks>
public static class FreshProcessProgram
{
    /// <summary>Loads a model and applies <see cref="ITransformer.Transform"/>:
    /// <c>transform &lt;model.zip&gt; &lt;input.idv&gt; &lt;output.idv&gt;</c>.</summary>
    public const string TransformCommand = "transform";

    /// <summary>Loads a model and maps rows one by one through
    /// <see cref="ITransformer.GetRowToRowMapper"/> (the PredictionEngine path):
    /// <c>rowmapper &lt;model.zip&gt; &lt;input.idv&gt; &lt;output.idv&gt;</c>.</summary>
    public const string RowMapperCommand = "rowmapper";

    /// <summary>Trains and saves the golden models with their expected outputs (see GoldenModels/README.md):
    /// <c>generate-golden &lt;folder&gt; [--overwrite] [--only &lt;name&gt;,...]</c>. Refuses a folder that already holds golden
    /// files unless <c>--overwrite</c> is given; <c>--only</c> writes just the named models.</summary>
    public const string GenerateGoldenCommand = "generate-golden";

    /// <summary>Dispatches on <paramref name="args"/>[0].</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0)
            return Usage("no command given");

        try
        {
            switch (args[0])
            {
                case TransformCommand when args.Length == 4:
                    Transform(args[1], args[2], args[3], viaRowMapper: false);
                    return 0;
                case RowMapperCommand when args.Length == 4:
                    Transform(args[1], args[2], args[3], viaRowMapper: true);
                    return 0;
                case GenerateGoldenCommand when GoldenArguments(args) is var (overwrite, only):
                    foreach (var file in Golden.GoldenModelCatalog.Generate(args[1], overwrite, only))
                        Console.WriteLine($"wrote {file} ({new FileInfo(file).Length:N0} bytes)");
                    return 0;
                default:
                    return Usage($"unknown command or wrong argument count: {string.Join(' ', args)}");
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{args[0]} failed: {ex}");
            return 1;
        }
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"FreshProcessProgram: {problem}");
        Console.Error.WriteLine($"usage: {TransformCommand}|{RowMapperCommand} <model.zip> <input.idv> <output.idv>");
        Console.Error.WriteLine($"       {GenerateGoldenCommand} <folder> [--overwrite] [--only <name>,...]");
        return 2;
    }

    /// <summary>The options of <c>generate-golden &lt;folder&gt; [--overwrite] [--only a,b]</c>; null when they do not parse.</summary>
    private static (bool Overwrite, string[]? Only)? GoldenArguments(string[] args)
    {
        if (args.Length < 2)
            return null;
        var overwrite = false;
        string[]? only = null;
        for (var i = 2; i < args.Length; i++)
        {
            if (args[i] == "--overwrite" && !overwrite)
                overwrite = true;
            else if (args[i] == "--only" && only is null && i + 1 < args.Length)
                only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            else
                return null;
        }
        return (overwrite, only);
    }

    private static void Transform(string modelPath, string inputPath, string outputPath, bool viaRowMapper)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(modelPath, out _);
        var input = ml.Data.LoadFromBinary(inputPath);

        var output = viaRowMapper
            ? new RowMapperDataView(model.GetRowToRowMapper(input.Schema), input)
            : model.Transform(input);

        using var stream = File.Create(outputPath);
        ml.Data.SaveAsBinary(output, stream);
    }

    /// <summary>
    /// Streams <c>input</c> through an <see cref="IRowToRowMapper"/>: one output row, whose getters are
    /// re-read after every <c>MoveNext</c> of the input cursor, as <c>PredictionEngine</c> does.
    /// </summary>
    private sealed class RowMapperDataView : IDataView
    {
        private readonly IRowToRowMapper _mapper;
        private readonly IDataView _input;

        public RowMapperDataView(IRowToRowMapper mapper, IDataView input)
        {
            _mapper = mapper;
            _input = input;
        }

        public bool CanShuffle => false;

        public DataViewSchema Schema => _mapper.OutputSchema;

        public long? GetRowCount() => _input.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var inputCursor = _input.GetRowCursor(_input.Schema);
            var row = _mapper.GetRow(inputCursor, columnsNeeded);
            return new Cursor(inputCursor, row);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => [GetRowCursor(columnsNeeded, rand)];

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly DataViewRowCursor _input;
            private readonly DataViewRow _row;

            public Cursor(DataViewRowCursor input, DataViewRow row)
            {
                _input = input;
                _row = row;
            }

            public override DataViewSchema Schema => _row.Schema;
            public override long Position => _input.Position;
            public override long Batch => _input.Batch;
            public override bool MoveNext() => _input.MoveNext();
            public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
            public override bool IsColumnActive(DataViewSchema.Column column) => _row.IsColumnActive(column);
            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _row.GetGetter<TValue>(column);

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _row.Dispose();
                    _input.Dispose();
                }
                base.Dispose(disposing);
            }
        }
    }
}
