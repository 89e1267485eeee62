using ReleaseTargets.Configuration;

namespace ReleaseTargets.Diagnostics;

/// <summary>
/// Proves a local state folder is writable before a run depends on it, so a read-only folder fails at once with the
/// folder and the parameter that chooses it, instead of later as a lock that never frees or a history that is lost.
/// </summary>
internal static class StateDirectoryCheck
{
    /// <summary>
    /// Creates <paramref name="directory"/> when missing, then creates and deletes a probe file in it. Throws
    /// <see cref="ReleaseConfigurationException"/> naming the folder, the reason and <paramref name="parameterName"/>
    /// (as the user types it, e.g. <c>--state-directory</c>) when either fails.
    /// </summary>
    public static void EnsureWritable(string directory, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(parameterName);

        var folder = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(folder);

            // A real file, not an access(2) check: root passes permission checks that a read-only mount, an
            // immutable folder or a full quota still refuse.
            var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ReleaseConfigurationException(
            [
                $"The state folder '{folder}' is not writable ({exception.Message}). ReleaseTargets keeps its stage history " +
                $"and the local emulator there. Make the folder writable, or set {parameterName} to a writable folder " +
                $"(e.g. {parameterName}={Path.Combine(Path.GetTempPath(), "releasetargets-state")}).",
            ]);
        }
    }
}
