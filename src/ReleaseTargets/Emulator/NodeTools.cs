namespace ReleaseTargets.Emulator;

/// <summary>The full paths of <c>node</c> and <c>npm</c>, found on PATH the way a shell would find them.</summary>
internal sealed record NodeTools(string NodePath, string NpmPath)
{
    /// <summary>Finds both tools or throws one line naming what is missing and what to do instead.</summary>
    public static NodeTools Find(string? pathVariable)
    {
        var directories = (pathVariable ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var node = FindExecutable("node", directories);
        var npm = FindExecutable("npm", directories);
        var missing = new List<string>();
        if (node is null)
        {
            missing.Add("node");
        }

        if (npm is null)
        {
            missing.Add("npm");
        }

        return missing.Count == 0 ? new NodeTools(node!, npm!) : throw AzuriteErrors.NodeMissing(missing);
    }

    private static string? FindExecutable(string name, IEnumerable<string> directories)
    {
        // On Windows npm is npm.cmd and node is node.exe; PATHEXT lists what the shell would try.
        var names = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT")
                .Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(extension => name + extension.ToLowerInvariant())
                .ToArray()
            : [name];

        foreach (var directory in directories)
        {
            foreach (var candidate in names)
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path) && (OperatingSystem.IsWindows() || IsExecutable(path)))
                {
                    return path;
                }
            }
        }

        return null;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool IsExecutable(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
