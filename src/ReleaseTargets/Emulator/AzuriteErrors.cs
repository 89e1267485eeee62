using System.Globalization;

namespace ReleaseTargets.Emulator;

/// <summary>Every message the emulator throws, so they read alike: what failed, the value, what to do next.</summary>
internal static class AzuriteErrors
{
    private const string Alternative = "or set StorageUrl (--storage-url / RELEASETARGETS_STORAGE_URL) to a real storage account.";

    public static ReleaseTargetsException NodeMissing(IReadOnlyList<string> tools)
    {
        var what = tools.Count == 1
            ? $"'{tools[0]}' was not found"
            : string.Join(" and ", tools.Select(t => $"'{t}'")) + " were not found";
        return new ReleaseTargetsException(
            $"The local Azurite emulator needs Node.js and npm on PATH ({what}). Install Node.js 20, {Alternative}");
    }

    public static ReleaseTargetsException PackageMissing(string path) =>
        new($"The pinned Azurite package file '{path}' does not exist. Point AzuriteOptions.PackageDirectory at a folder holding both package.json and package-lock.json, or leave it unset to install the pair pinned inside ReleaseTargets.");

    public static ReleaseTargetsException InstallFailed(string directory, int exitCode, string output) =>
        new($"'npm ci' for Azurite {AzuriteDefaults.Version} in '{directory}' failed with exit code {exitCode.ToString(CultureInfo.InvariantCulture)}. Check network access to the npm registry and retry, {Alternative}{Tail(output)}");

    public static ReleaseTargetsException InstallIncomplete(string path) =>
        new($"Azurite was installed but '{path}' is missing or has no 'azurite-blob' entry. Delete the install folder and retry, {Alternative}");

    public static ReleaseTargetsException InstallLockTimeout(string lockFile, TimeSpan waited) =>
        new($"Another process held the Azurite install lock '{lockFile}' for more than {waited.TotalMinutes:0} minutes. If no other build is installing Azurite, delete that file and retry.");

    public static ReleaseTargetsException StateLockFailed(string lockFile, Exception reason) =>
        new($"Cannot lock the emulator state file '{lockFile}' ({reason.Message}). Its folder must be writable: make it so, or point StateDirectory (--state-directory / RELEASETARGETS_STATE_DIRECTORY) at a writable folder.");

    public static ReleaseTargetsException InstallLockFailed(string lockFile, Exception reason) =>
        new($"Cannot lock the Azurite install file '{lockFile}' ({reason.Message}). Its folder must be writable: make it so, or point AzuriteOptions.InstallDirectory (default: under StateDirectory, --state-directory) at a writable folder.");

    public static ReleaseTargetsException StartTimedOut(TimeSpan timeout, string output) =>
        new($"Azurite did not start listening within {timeout.TotalSeconds:0} seconds. Raise AzuriteOptions.StartTimeout on a slow machine, {Alternative}{Tail(output)}");

    public static ReleaseTargetsException ExitedBeforeListening(int exitCode, string output) =>
        new($"Azurite exited with code {exitCode.ToString(CultureInfo.InvariantCulture)} before it listened. Its output below says why (a port in use, an unreadable state folder), {Alternative}{Tail(output)}");

    private static string Tail(string output) =>
        string.IsNullOrWhiteSpace(output) ? string.Empty : Environment.NewLine + "Last output:" + Environment.NewLine + output;
}
