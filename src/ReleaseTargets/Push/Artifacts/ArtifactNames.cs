using System.Globalization;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Push.Artifacts;

/// <summary>
/// The one policy for what may become a blob name. A blob name is the release prefix plus the file's path relative to
/// the artifacts folder, and nothing a URL, the SDK or the service could turn into another path is allowed through:
/// a file literally named <c>..\other-version\v.txt</c> is a valid Linux name, and the service turns its backslashes
/// into separators and resolves the dots, overwriting another release.
/// </summary>
internal static class ArtifactNames
{
    /// <summary>Azure's limit for a blob name, prefix included.</summary>
    public const int MaxBlobNameLength = 1024;

    /// <summary>The folder, under the release prefix too, that names the tool's own prefix (<c>_releasetargets/</c>).</summary>
    public const string ReservedFolder = "_releasetargets";

    /// <summary>
    /// Why <paramref name="relativePath"/> cannot be published as <c>&lt;prefix&gt;/&lt;relativePath&gt;</c>: every rule of
    /// <see cref="Problem(string)"/>, and the service's limit on the whole blob name.
    /// </summary>
    public static string? Problem(string prefix, string relativePath)
    {
        if (Problem(relativePath) is { } problem)
        {
            return problem;
        }

        var length = prefix.Length + 1 + relativePath.Length;
        return length > MaxBlobNameLength
            ? string.Create(CultureInfo.InvariantCulture, $"its blob name '{prefix}/…' is {length:N0} characters long; Azure allows at most {MaxBlobNameLength:N0} (the version prefix included): shorten its path")
            : null;
    }

    /// <summary>Why <paramref name="relativePath"/> (separators '/') cannot be a blob name under the release prefix, or null when it can.</summary>
    public static string? Problem(string relativePath)
    {
        if (relativePath.Length == 0)
        {
            return "the name is empty";
        }

        foreach (var c in relativePath)
        {
            switch (c)
            {
                case '\\':
                    return "it contains a backslash, which storage and URLs treat as a path separator";
                case '%':
                    return "it contains '%', which URL decoding could turn into another name (e.g. %2e%2e is '..')";
                case '?' or '#':
                    return $"it contains '{c}', which ends the path part of a URL";
            }

            if (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return $"it contains the invisible character U+{(int)c:X4}";
            }
        }

        if (relativePath.StartsWith('/'))
        {
            return "it is an absolute path";
        }

        if (relativePath.StartsWith(ShardRecord.FolderName + "/", StringComparison.OrdinalIgnoreCase))
        {
            return $"the folder '{ShardRecord.FolderName}/' is reserved for the records of a sharded release";
        }

        if (relativePath.StartsWith(ReservedFolder + "/", StringComparison.OrdinalIgnoreCase))
        {
            return $"the folder '{ReservedFolder}/' is reserved for this tool's claims and history";
        }

        // Blob names are case-sensitive, but 'Release-Manifest.json' beside the manifest is a look-alike a reader can take for it.
        if (relativePath.Equals(ReleaseManifest.FileName, StringComparison.OrdinalIgnoreCase))
        {
            return $"at the root of the release, '{ReleaseManifest.FileName}' (in any case) is the name of the release manifest; rename the file or move it into a subfolder";
        }

        // The sums file is written by the push itself (issue 22); an artifact of that name would be checked against itself.
        if (relativePath.Equals(Sha256Sums.FileName, StringComparison.OrdinalIgnoreCase))
        {
            return $"at the root of the release, '{Sha256Sums.FileName}' (in any case) is the name of the checksum file the push writes; rename the file or move it into a subfolder";
        }

        foreach (var segment in relativePath.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it has an empty path segment ('//')";
            }

            if (segment is "." or "..")
            {
                return $"it has a '{segment}' path segment, which would leave its folder";
            }

            // The service and many clients drop trailing dots: "a." and "a" would be one blob.
            if (segment.EndsWith('.'))
            {
                return $"the segment '{segment}' ends with '.', which storage clients drop";
            }
        }

        return null;
    }

    /// <summary>The <c>--artifacts</c> globs as one matcher over '/'-separated names: '!' excludes (the push over files, Fetch over manifest names).</summary>
    public static Microsoft.Extensions.FileSystemGlobbing.Matcher Matcher(IEnumerable<string> patterns)
    {
        var matcher = new Microsoft.Extensions.FileSystemGlobbing.Matcher(StringComparison.Ordinal);
        foreach (var glob in patterns)
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

        return matcher;
    }

    /// <summary>Why a glob of the Artifacts parameter could select files outside the artifacts folder, or null.</summary>
    public static string? GlobProblem(string glob)
    {
        var pattern = glob.StartsWith('!') ? glob[1..] : glob;
        if (Path.IsPathRooted(pattern) || pattern.StartsWith('/') || pattern.StartsWith('\\'))
        {
            return $"Artifacts glob '{glob}' is an absolute path: globs are relative to ArtifactsDirectory; point --artifacts-directory at the folder instead.";
        }

        if (pattern.Split('/', '\\').Any(segment => segment == ".."))
        {
            return $"Artifacts glob '{glob}' contains '..': globs select files under ArtifactsDirectory only; to publish files from elsewhere, point --artifacts-directory at their folder.";
        }

        return null;
    }
}
