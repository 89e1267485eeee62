using System.Globalization;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Emulator;

/// <summary>
/// Ownership of one emulator state folder: an exclusive OS lock on <c>&lt;StateDirectory&gt;/azurite.lock</c>, held
/// from before the emulator starts until after it has stopped. One Azurite per data folder is what Azurite needs (two
/// corrupt its metadata store); holding the lock is what makes "the Azurite named by the pid file is stale" true,
/// because a live owner would still hold it. A second start on the same folder waits for the owner to finish.
/// </summary>
internal sealed class AzuriteStateLock : IDisposable
{
    public const string FileName = "azurite.lock";

    private readonly FileStream _stream;

    private AzuriteStateLock(FileStream stream) => _stream = stream;

    /// <summary>
    /// Takes the lock, waiting as long as another run holds it: checks every <see cref="AzuriteDefaults.OwnerPollInterval"/>
    /// and says so at once and then every <see cref="AzuriteDefaults.OwnerWaitMessageInterval"/>. Only cancellation
    /// ends the wait early; a failure that is not a lock conflict (a read-only folder) is thrown at once.
    /// </summary>
    public static async Task<AzuriteStateLock> AcquireAsync(
        string stateDirectory, string pidFile, IReleaseLog log, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var path = Path.Combine(stateDirectory, FileName);
        if (Open(path) is { } free)
        {
            return new AzuriteStateLock(free);
        }

        var started = timeProvider.GetTimestamp();
        var messages = 0;
        void SayWaiting()
        {
            var waited = messages++ == 0 ? string.Empty : $" (waited {Units.Duration(timeProvider.GetElapsedTime(started))} so far)";
            log.Warning(
                $"Another run owns the Azurite emulator in '{stateDirectory}'{Owner(pidFile)}; waiting for it to finish{waited}. " +
                $"A live emulator is never stopped. To run both builds at once, give this one its own StateDirectory (--state-directory).");
        }

        // The message has its own timer so it repeats on time however long one check takes; the timer exists before
        // the first message, so the repeats are counted from it.
        var gate = new Lock();
        var waiting = true;
        using var reminder = timeProvider.CreateTimer(
            _ =>
            {
                lock (gate)
                {
                    if (waiting)
                    {
                        SayWaiting();
                    }
                }
            },
            null,
            AzuriteDefaults.OwnerWaitMessageInterval,
            AzuriteDefaults.OwnerWaitMessageInterval);
        lock (gate)
        {
            SayWaiting();
        }

        while (true)
        {
            await Task.Delay(AzuriteDefaults.OwnerPollInterval, timeProvider, cancellationToken);
            if (Open(path) is { } stream)
            {
                lock (gate)
                {
                    waiting = false;
                }

                log.Information($"The other run released '{stateDirectory}' after {Units.Duration(timeProvider.GetElapsedTime(started))}; starting Azurite.");
                return new AzuriteStateLock(stream);
            }
        }
    }

    /// <summary>Releases the lock; the file stays, so a waiting run and a new one never lock two different files.</summary>
    public void Dispose() => _stream.Dispose();

    private static FileStream? Open(string path)
    {
        try
        {
            return ExclusiveFile.TryOpen(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw AzuriteErrors.StateLockFailed(path, exception);
        }
    }

    private static string Owner(string pidFile)
    {
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? $" (Azurite pid {pid.ToString(CultureInfo.InvariantCulture)})"
                : string.Empty;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
