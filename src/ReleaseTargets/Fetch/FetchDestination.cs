namespace ReleaseTargets.Fetch;

/// <summary>
/// The destination folder of a fetch and the only way a path under it is made: the path of a manifest name must stay under
/// the folder, and no existing folder between the destination and the file (nor the file or its partials) may be a symbolic
/// link, so a link planted in the destination cannot redirect a write elsewhere.
/// </summary>
internal sealed class FetchDestination
{
    private FetchDestination(string root) => Root = root;

    public string Root { get; }

    /// <summary>Checks every name first (nothing is created when one is refused), then creates the folder if missing.</summary>
    public static FetchDestination Prepare(string destination, IEnumerable<string> names)
    {
        if (string.IsNullOrWhiteSpace(destination))
        {
            throw new ReleaseTargetsException("--to is empty: name the folder to fetch the release into, e.g. --to=./release.");
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        var result = new FetchDestination(root);
        var problems = names.Select(n => result.Problem(n) is { } p ? $"  - '{FetchSelection.Shown(n)}': {p}" : null).OfType<string>().ToList();
        if (problems.Count > 0)
        {
            throw new ReleaseTargetsException(
                $"{problems.Count} artifact(s) cannot be written under --to '{destination}'; nothing was written. Remove the links (or choose an empty folder for --to):" +
                Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        Directory.CreateDirectory(root);
        return result;
    }

    /// <summary>The full path of <paramref name="name"/> ('/'-separated, already validated) under the destination.</summary>
    public string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ReleaseTargetsException($"'{FetchSelection.Shown(name)}' resolves outside --to '{Root}'; nothing of it was written.");
        }

        return path;
    }

    /// <summary>Creates the folders of <paramref name="path"/>, checking again that none became a link since <see cref="Prepare"/>.</summary>
    public void CreateFoldersOf(string name, string path)
    {
        if (Problem(name) is { } problem)
        {
            throw new ReleaseTargetsException($"'{FetchSelection.Shown(name)}' cannot be written under --to '{Root}': {problem}.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    }

    private string? Problem(string name)
    {
        string path;
        try
        {
            path = PathOf(name);
        }
        catch (ReleaseTargetsException)
        {
            return "it resolves outside the folder";
        }

        var current = Root;
        foreach (var segment in Path.GetRelativePath(Root, path).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (!info.Exists && !Directory.Exists(current) && info.LinkTarget is null)
            {
                break;
            }

            if (info.LinkTarget is { } target)
            {
                return $"'{Path.GetRelativePath(Root, current)}' is a symbolic link (to '{target}'); fetch does not write through links";
            }
        }

        foreach (var beside in new[] { path + FetchConstants.PartialSuffix, path + FetchConstants.StateSuffix, path + FetchConstants.StateSuffix + ".tmp" })
        {
            if (new FileInfo(beside).LinkTarget is { } target)
            {
                return $"'{Path.GetRelativePath(Root, beside)}' is a symbolic link (to '{target}'); fetch does not write through links";
            }
        }

        return null;
    }
}
