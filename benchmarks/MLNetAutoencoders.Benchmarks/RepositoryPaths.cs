namespace MLNetAutoencoders.Benchmarks;

/// <summary>The folders of this repository the benchmarks read and write, found above the program's own folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding MLNetAutoencoders.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>benchmarks/results: where results files go unless --results says otherwise.</summary>
    public static string Results => Path.Combine(Root, "benchmarks", "results");

    /// <summary>benchmarks/reference: the Python reference scripts.</summary>
    public static string References => Path.Combine(Root, "benchmarks", "reference");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MLNetAutoencoders.sln")))
                    return dir.FullName;
        throw new DirectoryNotFoundException($"MLNetAutoencoders.sln not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");
    }
}
