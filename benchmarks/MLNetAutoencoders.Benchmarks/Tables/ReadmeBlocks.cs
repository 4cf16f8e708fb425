using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The figures README.md and benchmarks/README.md quote are generated from results files, never typed: a block
/// <code>
/// &lt;!-- results: speed --&gt;
/// (Markdown rendered from benchmarks/results/speed.json by ResultsTables.Speed)
/// &lt;!-- /results --&gt;
/// </code>
/// holds what the renderer of that results file returns; <c>&lt;!-- results: anomaly-fmnist:classes --&gt;</c> renders
/// another view of the same file (ResultsTables.AnomalyFmnistClasses of anomaly-fmnist.json). Results files are looked for in
/// <see cref="ResultsDirectories"/>: the benchmarks' in benchmarks/results, the gallery samples' beside their
/// figures in docs/images. <c>readme</c> (the benchmark program's subcommand)
/// rewrites the blocks; a test fails when a block no longer matches its results file.
/// </summary>
/// <remarks>Only System.* here and in the renderers: the test project compiles these files by link.</remarks>
internal static partial class ReadmeBlocks
{
    /// <summary>The Markdown files that hold generated blocks, relative to the repository root.</summary>
    public static readonly string[] Documents = ["README.md", "benchmarks/README.md"];

    /// <summary>Where results files are looked for, in order, relative to the repository root.</summary>
    public static readonly string[] ResultsDirectories = ["benchmarks/results", "docs/images"];

    [GeneratedRegex(@"(?<open><!-- results: (?<name>[a-z0-9-]+(:[a-z0-9-]+)?) -->\n)(?<body>.*?)(?<close><!-- /results -->)", RegexOptions.Singleline)]
    private static partial Regex Block();

    /// <summary>The names of the blocks in <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<string> Names(string markdown) =>
        Block().Matches(markdown).Select(m => m.Groups["name"].Value).ToArray();

    /// <summary><paramref name="markdown"/> with every block's body replaced by <paramref name="render"/>(name).</summary>
    public static string Update(string markdown, Func<string, string> render) =>
        Block().Replace(markdown, m => m.Groups["open"].Value + EndWithNewline(render(m.Groups["name"].Value)) + m.Groups["close"].Value);

    /// <summary>The blocks whose body differs from what <paramref name="render"/> returns now.</summary>
    public static IReadOnlyList<(string Name, string Written, string Rendered)> Drift(string markdown, Func<string, string> render) =>
        Block().Matches(markdown)
            .Select(m => (Name: m.Groups["name"].Value, Written: m.Groups["body"].Value, Rendered: EndWithNewline(render(m.Groups["name"].Value))))
            .Where(b => b.Written != b.Rendered)
            .ToArray();

    /// <summary>Rewrites every block of <see cref="Documents"/> from its results file; returns the names of the blocks that changed.</summary>
    public static IReadOnlyList<string> Rewrite(string repositoryRoot)
    {
        var changed = new List<string>();
        foreach (var document in Documents)
        {
            var path = Path.Combine(repositoryRoot, document);
            var markdown = File.ReadAllText(path);
            string Render(string name) => ReadmeBlocks.Render(name, repositoryRoot);
            changed.AddRange(Drift(markdown, Render).Select(d => $"{document}: {d.Name}"));
            File.WriteAllText(path, Update(markdown, Render));
        }
        return changed;
    }

    /// <summary>The results file of the block <paramref name="name"/>: <c>{name}.json</c> in the first of <see cref="ResultsDirectories"/> that has it.</summary>
    /// <exception cref="FileNotFoundException">No results directory has it.</exception>
    public static string ResultsFile(string name, string repositoryRoot)
    {
        var file = name.Split(':')[0] + ".json";
        var candidates = ResultsDirectories.Select(d => Path.Combine(repositoryRoot, d, file)).ToArray();
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new FileNotFoundException($"The block '{name}' is generated from {file}, which is in none of {string.Join(", ", ResultsDirectories)}.", candidates[0]);
    }

    /// <summary>Renders the block <paramref name="name"/> from its results file (<see cref="ResultsFile"/>).</summary>
    /// <exception cref="FileNotFoundException">The results file is missing.</exception>
    /// <exception cref="InvalidOperationException">No renderer is named after the block.</exception>
    public static string Render(string name, string repositoryRoot)
    {
        var path = ResultsFile(name, repositoryRoot);
        var renderer = Renderer(name);
        var results = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is empty.");
        return (string)renderer.Invoke(null, [results])!;
    }

    /// <summary>The renderer of a block: <c>ResultsTables.AnomalyFmnist</c> for <c>anomaly-fmnist</c>, <c>AnomalyFmnistClasses</c> for <c>anomaly-fmnist:classes</c>.</summary>
    public static MethodInfo Renderer(string name)
    {
        var method = string.Concat(name.Split('-', ':').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        return typeof(ResultsTables).GetMethod(method, BindingFlags.Public | BindingFlags.Static, [typeof(JsonNode)])
               ?? throw new InvalidOperationException($"No renderer ResultsTables.{method}(JsonNode) for the block '{name}'.");
    }

    private static string EndWithNewline(string text) => text.EndsWith('\n') ? text : text + "\n";
}
