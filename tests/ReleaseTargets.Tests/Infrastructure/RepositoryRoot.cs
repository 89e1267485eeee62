namespace ReleaseTargets.Tests.Infrastructure;

/// <summary>The folder holding ReleaseTargets.sln, found by walking up from the test assembly.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ReleaseTargets.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ReleaseTargets.sln above '{AppContext.BaseDirectory}'.");
    }
}
