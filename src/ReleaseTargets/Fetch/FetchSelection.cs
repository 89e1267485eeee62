using Microsoft.Extensions.FileSystemGlobbing;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Fetch;

/// <summary>
/// Which manifest entries a fetch writes. Every entry is checked before anything is written: a name the push would have
/// refused, a rooted or Windows path, a duplicate or case-only twin, a name that is also another's folder, or a name that
/// collides with a partial file is refused, and one exception lists them all. A crafted manifest cannot name a path outside
/// the destination.
/// </summary>
internal static class FetchSelection
{
    public static IReadOnlyList<ManifestArtifact> Select(ReleaseManifest manifest, string globs)
    {
        var problems = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var names = manifest.Artifacts.Select(a => a.Name ?? string.Empty).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var artifact in manifest.Artifacts)
        {
            var name = artifact.Name ?? string.Empty;
            if (Problem(manifest.Version, artifact, names) is { } problem)
            {
                problems.Add($"'{Shown(name)}': {problem}");
            }
            else if (!seen.TryAdd(name, name))
            {
                problems.Add($"'{Shown(name)}': it is listed twice (or differs from '{Shown(seen[name])}' only in case, which one file system folder cannot hold)");
            }
        }

        if (problems.Count > 0)
        {
            throw new ReleaseTargetsException(
                $"The manifest of release '{Shown(manifest.Version)}' lists {problems.Count} artifact name(s) that cannot be fetched safely; nothing was written. " +
                "The manifest was not written by a push of this tool, or was altered: check where it came from." + Environment.NewLine +
                string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }

        return Filter(manifest.Artifacts, globs);
    }

    private static List<ManifestArtifact> Filter(IReadOnlyList<ManifestArtifact> artifacts, string globs)
    {
        var patterns = globs.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var matcher = ArtifactNames.Matcher(patterns);

        var matched = matcher.Match(artifacts.Select(a => a.Name)).Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var selected = artifacts.Where(a => matched.Contains(a.Name)).ToList();
        if (selected.Count == 0)
        {
            throw new ReleaseTargetsException(
                $"--artifacts '{globs}' matches none of the release's {artifacts.Count} artifact(s) " +
                $"({string.Join(", ", artifacts.Take(5).Select(a => "'" + a.Name + "'"))}{(artifacts.Count > 5 ? ", …" : string.Empty)}): " +
                "globs match the names in the manifest (e.g. '**/*.zip'; '!' excludes); fix --artifacts or leave it out to fetch everything.");
        }

        return selected;
    }

    private static string? Problem(string version, ManifestArtifact artifact, HashSet<string> names)
    {
        var name = artifact.Name ?? string.Empty;
        if (name.Length > 0 && (Path.IsPathRooted(name) || (name.Length >= 2 && name[1] == ':')))
        {
            return "it is an absolute path";
        }

        if (ArtifactNames.Problem(version, name) is { } problem)
        {
            return problem;
        }

        if (name.EndsWith(FetchConstants.PartialSuffix, StringComparison.OrdinalIgnoreCase) || name.EndsWith(FetchConstants.StateSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return $"names ending in '{FetchConstants.PartialSuffix}' are the partial files of a fetch";
        }

        var slash = name.LastIndexOf('/');
        for (; slash > 0; slash = name.LastIndexOf('/', slash - 1))
        {
            if (names.Contains(name[..slash]))
            {
                return $"'{name[..slash]}' is both a file of the release and this file's folder";
            }
        }

        if (artifact.Size < 0)
        {
            return $"its size {artifact.Size} is negative";
        }

        if (!IsMd5(artifact.Md5))
        {
            return "its md5 is not the base64 of 16 bytes";
        }

        return artifact.Sha256 is { } sha && (sha.Length != 64 || !sha.All(char.IsAsciiHexDigit))
            ? "its sha256 is not 64 hex digits"
            : null;
    }

    private static bool IsMd5(string? md5)
    {
        Span<byte> bytes = stackalloc byte[18];
        return md5 is not null && Convert.TryFromBase64String(md5, bytes, out var written) && written == 16;
    }

    /// <summary>A name from the manifest, safe for one line of a message.</summary>
    internal static string Shown(string? name) => Diagnostics.ServerText.Sanitize(name ?? string.Empty) ?? string.Empty;
}
