using Microsoft.Extensions.FileSystemGlobbing;

namespace ReleaseTargets.Push.Artifacts;

/// <summary>The artifacts of a release: files matched by globs under the artifacts directory, placed under the release prefix.</summary>
internal sealed class ArtifactSet
{
    private ArtifactSet(string directory, string prefix, IReadOnlyList<Artifact> artifacts, IReadOnlyList<string> warnings)
    {
        Directory = directory;
        Prefix = prefix;
        Artifacts = artifacts;
        Warnings = warnings;
    }

    public string Directory { get; }

    public string Prefix { get; }

    public IReadOnlyList<Artifact> Artifacts { get; }

    public long TotalBytes => Artifacts.Sum(a => a.Length);

    /// <summary>Names that are published but look like others (<see cref="LookAlikeNames"/>): worth a warning, not a refusal.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Finds the artifacts; fails with one message listing every file that cannot be published (and why) or saying that
    /// nothing matched, before any credential is minted. Symbolic links inside the folder are refused, naming the link:
    /// following them would publish files from outside the folder, and a link can change its target between hashing and sending.
    /// A <paramref name="stateDirectory"/> inside the folder that the globs reach is refused: the tool's state is never published.
    /// </summary>
    public static ArtifactSet Discover(string directory, string globs, string prefix, string? stateDirectory = null)
    {
        var root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new ReleaseTargetsException($"ArtifactsDirectory '{directory}' does not exist: run the Build stage first, or point --artifacts-directory at the folder it writes.");
        }

        var patterns = globs.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (patterns.Select(ArtifactNames.GlobProblem).OfType<string>().ToList() is { Count: > 0 } globProblems)
        {
            throw new ReleaseTargetsException(string.Join(Environment.NewLine, globProblems));
        }

        var matcher = ArtifactNames.Matcher(patterns);

        StateFolderCheck.ThrowIfPublished(matcher, root, directory, globs, stateDirectory);
        var problems = new List<string>();
        var artifacts = new List<Artifact>();
        var linkedFolders = new List<DirectoryInfo>();
        var matches = matcher.Execute(new LinkStoppingDirectory(new DirectoryInfo(root), null, linkedFolders)).Files
            .Select(m => Path.GetFullPath(Path.Combine(root, m.Path)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        // A linked folder the globs reach into is refused once, naming it; its contents are never read.
        foreach (var link in linkedFolders.DistinctBy(l => l.FullName).OrderBy(l => l.FullName, StringComparer.Ordinal))
        {
            problems.Add($"'{Path.GetRelativePath(root, link.FullName)}' cannot be published: it is a symbolic link to a folder (to '{link.LinkTarget}'); links are not followed — copy the files into the folder.");
        }

        foreach (var path in matches)
        {
            var relative = Path.GetRelativePath(root, path);
            if (Problem(path, relative, prefix) is { } problem)
            {
                problems.Add($"'{relative}' cannot be published: {problem}.");
                continue;
            }

            // Blob names use '/' whatever the OS; on Linux a '\\' is part of a file name and was refused above.
            relative = relative.Replace(Path.DirectorySeparatorChar, '/');
            artifacts.Add(new Artifact(path, relative, $"{prefix}/{relative}", new FileInfo(path).Length));
        }

        if (problems.Count > 0)
        {
            throw new ReleaseTargetsException(
                $"{problems.Count} file(s) under ArtifactsDirectory '{directory}' cannot be published; rename or remove them, or exclude them with --artifacts=\"…;!<glob>\":" +
                Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }

        if (artifacts.Count == 0)
        {
            throw new ReleaseTargetsException($"No artifacts matched '{globs}' under '{directory}': did the Build stage produce them? Set --artifacts (globs) or --artifacts-directory.");
        }

        var ordered = artifacts.OrderBy(a => a.RelativePath, StringComparer.Ordinal).ToList();
        return new ArtifactSet(root, prefix, ordered, LookAlikeNames.Warnings(ordered.Select(a => a.RelativePath).ToList()));
    }

    /// <summary>
    /// Computes, in one streaming read of each file (<see cref="ArtifactHasher"/>), its MD5, the MD5 of every block of
    /// <paramref name="blockSize"/> and its SHA-256. All come from the same bytes, so a block the push later reads can be
    /// checked against what was hashed: a file that changes after this point cannot be committed under this MD5.
    /// </summary>
    public async Task<ArtifactSet> HashAsync(int blockSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        var hashed = new Artifact[Artifacts.Count];

        // Small files go in groups of similar size, hashed together (issue 23); every other file streams on its own.
        bool Small(int i) => Artifacts[i].Length <= Math.Min(ArtifactHasher.SmallFileLimit, blockSize);
        var work = Enumerable.Range(0, Artifacts.Count).Where(i => !Small(i)).Select(i => new[] { i })
            .Concat(Enumerable.Range(0, Artifacts.Count).Where(Small).OrderBy(i => Artifacts[i].Length).Chunk(Md5Lanes.Lanes));
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                if (group.Length == 1 && !Small(group[0]))
                {
                    hashed[group[0]] = await ArtifactHasher.HashAsync(Artifacts[group[0]], blockSize, ct);
                    return;
                }

                var results = await ArtifactHasher.HashSmallAsync([.. group.Select(i => Artifacts[i])], blockSize, ct);
                for (var j = 0; j < group.Length; j++)
                {
                    hashed[group[j]] = results[j];
                }
            });
        return new ArtifactSet(Directory, Prefix, hashed, Warnings);
    }

    private static string? Problem(string path, string relative, string prefix)
    {
        if (relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return "it is outside the artifacts folder";
        }

        // Linked folders are never entered (LinkStoppingDirectory), so only the file itself can be a link.
        if (new FileInfo(path).LinkTarget is { } target)
        {
            return $"'{relative}' is a symbolic link (to '{target}'); links are not followed — copy the file into the folder";
        }

        return ArtifactNames.Problem(prefix, relative.Replace(Path.DirectorySeparatorChar, '/'));
    }
}
