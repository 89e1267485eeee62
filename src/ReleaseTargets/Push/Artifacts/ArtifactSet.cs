using System.Security.Cryptography;
using Microsoft.Extensions.FileSystemGlobbing;

namespace ReleaseTargets.Push;

/// <summary>The artifacts of a release: files matched by globs under the artifacts directory, placed under the release prefix.</summary>
public sealed class ArtifactSet
{
    /// <summary>Names the push itself writes; never treated as artifacts.</summary>
    public static readonly IReadOnlySet<string> ReservedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ReleaseManifest.FileName,
        PushReportWriter.JsonFileName,
    };

    private ArtifactSet(string directory, string prefix, IReadOnlyList<Artifact> artifacts)
    {
        Directory = directory;
        Prefix = prefix;
        Artifacts = artifacts;
    }

    public string Directory { get; }

    public string Prefix { get; }

    public IReadOnlyList<Artifact> Artifacts { get; }

    public long TotalBytes => Artifacts.Sum(a => a.Length);

    /// <summary>Finds the artifacts; fails with one clear line when there are none, before any credential is minted.</summary>
    public static ArtifactSet Discover(string directory, string globs, string prefix)
    {
        var root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new ReleaseTargetsException($"ArtifactsDirectory '{directory}' does not exist: run the Build stage first, or point --artifacts-directory at the folder it writes.");
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var glob in globs.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (glob.StartsWith('!'))
            {
                matcher.AddExclude(glob[1..]);
            }
            else
            {
                matcher.AddInclude(glob);
            }
        }

        var artifacts = matcher.GetResultsInFullPath(root)
            .Select(path => (Path: path, Relative: Path.GetRelativePath(root, path).Replace('\\', '/')))
            .Where(f => !ReservedNames.Contains(Path.GetFileName(f.Relative)))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => new Artifact(f.Path, f.Relative, $"{prefix}/{f.Relative}", new FileInfo(f.Path).Length))
            .ToList();

        if (artifacts.Count == 0)
        {
            throw new ReleaseTargetsException($"No artifacts matched '{globs}' under '{directory}': did the Build stage produce them? Set --artifacts (globs) or --artifacts-directory.");
        }

        return new ArtifactSet(root, prefix, artifacts);
    }

    /// <summary>Computes every file's MD5 by streaming it (memory stays flat whatever the file size).</summary>
    public async Task<ArtifactSet> HashAsync(CancellationToken cancellationToken = default)
    {
        var hashed = new Artifact[Artifacts.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Artifacts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                await using var stream = new FileStream(Artifacts[i].LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
                hashed[i] = Artifacts[i] with { Md5 = await MD5.HashDataAsync(stream, ct) };
            });
        return new ArtifactSet(Directory, Prefix, hashed);
    }
}
