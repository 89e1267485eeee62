using Microsoft.Extensions.FileSystemGlobbing;

namespace ReleaseTargets.Push.Artifacts;

/// <summary>
/// The state folder (<c>--state-directory</c>: the stage history, the local emulator's key, certificate and database) is
/// never published: a state folder inside the artifacts folder that the globs reach is refused before any credential.
/// </summary>
internal static class StateFolderCheck
{
    /// <summary>What the state folder holds (or will hold once the run starts): if the globs match any of them, they reach it.</summary>
    private static readonly string[] Probes = ["stage-history.json", "azurite/key.pem", "azurite/__blobstorage__/x", "push-report.json"];

    public static void ThrowIfPublished(Matcher matcher, string root, string directory, string globs, string? stateDirectory)
    {
        if (string.IsNullOrEmpty(stateDirectory))
        {
            return;
        }

        var relative = Path.GetRelativePath(root, Path.GetFullPath(stateDirectory)).Replace(Path.DirectorySeparatorChar, '/');
        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return;
        }

        var inside = relative == "." ? string.Empty : relative + "/";
        var existing = Directory.Exists(stateDirectory)
            ? Directory.EnumerateFiles(stateDirectory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            : [];
        if (Probes.Select(p => inside + p).Concat(existing).Any(f => matcher.Match(f).HasMatches))
        {
            var exclude = relative == "." ? "the state folder is the artifacts folder itself" : $"or exclude it with --artifacts=\"{globs};!{relative}/**\"";
            throw new ReleaseTargetsException(
                $"--state-directory '{stateDirectory}' is inside --artifacts-directory '{directory}' and the --artifacts globs '{globs}' reach it: the tool's state (stage history, the local emulator's key and database) would be published. " +
                $"Point --state-directory outside the artifacts folder{(relative == "." ? $" ({exclude})" : $", {exclude}")}.");
        }
    }
}
