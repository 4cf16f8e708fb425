namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>The checkout the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder holding MLNetAutoencoders.sln, above the test output folder.</summary>
    public static string Root { get; } = Find();

    /// <summary>A path inside the repository, from '/'-separated parts.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MLNetAutoencoders.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"MLNetAutoencoders.sln not found above {AppContext.BaseDirectory}.");
    }
}
