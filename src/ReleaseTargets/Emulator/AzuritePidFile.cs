using System.Diagnostics;
using System.Globalization;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Emulator;

/// <summary>
/// Remembers the Azurite process that owns a state folder, so that a run killed before it could stop its emulator
/// does not leave the data folder locked and a stray Node process behind for the next run.
/// </summary>
internal static class AzuritePidFile
{
    public static void Write(string pidFile, int processId) =>
        File.WriteAllText(pidFile, processId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Deletes the pid file only while it still names <paramref name="processId"/>: a later start may own it now.</summary>
    public static void DeleteIfOwned(string pidFile, int processId)
    {
        try
        {
            if (File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() == processId.ToString(CultureInfo.InvariantCulture))
            {
                Delete(pidFile);
            }
        }
        catch (IOException)
        {
            // Unreadable now; the next start checks the process before touching it anyway.
        }
    }

    public static void Delete(string pidFile)
    {
        try
        {
            File.Delete(pidFile);
        }
        catch (IOException)
        {
            // A leftover pid file is harmless: the next start checks the process before touching it.
        }
    }

    /// <summary>
    /// Kills the process named by the pid file, but only when its command line shows it is Azurite serving this
    /// very data folder: a pid can be reused by an unrelated process after a reboot. Call it only while holding the
    /// folder's <see cref="AzuriteStateLock"/>: that is what proves the Azurite's owner is gone.
    /// </summary>
    public static async Task KillStaleAsync(string pidFile, string dataDirectory, IReleaseLog log, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(pidFile))
        {
            return;
        }

        if (int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            && processId != Environment.ProcessId
            && TryGetProcess(processId) is { } process)
        {
            using (process)
            {
                var commandLine = ReadCommandLine(processId);
                if (commandLine is not null
                    && commandLine.Contains("azurite", StringComparison.OrdinalIgnoreCase)
                    && commandLine.Contains(dataDirectory, StringComparison.Ordinal))
                {
                    log.Warning($"Stopping a stale Azurite (pid {processId}) left by an earlier run that used '{dataDirectory}' and ended without stopping it.");
                    process.Kill(entireProcessTree: true);
                    using var timeout = new CancellationTokenSource(AzuriteDefaults.KillTimeout, timeProvider);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
                    await process.WaitForExitAsync(linked.Token);
                }
                else
                {
                    log.Verbose($"Pid file '{pidFile}' names process {processId}, which is not Azurite for this state folder; leaving it alone.");
                }
            }
        }

        Delete(pidFile);
    }

    private static Process? TryGetProcess(int processId)
    {
        try
        {
            var process = Process.GetProcessById(processId);
            if (!process.HasExited)
            {
                return process;
            }

            process.Dispose();
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string? ReadCommandLine(int processId)
    {
        // Linux exposes the arguments NUL-separated; elsewhere there is no portable way, so nothing is killed.
        var path = $"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/cmdline";
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Replace('\0', ' ') : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
