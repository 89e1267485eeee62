using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Emulator;

/// <summary>The running <c>node azurite-blob</c> process: started, awaited until it listens, stopped.</summary>
internal sealed partial class AzuriteProcess : IAsyncDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly TimeProvider _timeProvider;
    private int _stopped;

    private AzuriteProcess(Process process, int port, TimeProvider timeProvider)
    {
        _process = process;
        Port = port;
        ProcessId = process.Id;
        _timeProvider = timeProvider;
    }

    public int Port { get; }

    public int ProcessId { get; }

    public static async Task<AzuriteProcess> StartAsync(
        string nodePath, IEnumerable<string> arguments, string workingDirectory, TimeSpan startTimeout, IReleaseLog log, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(nodePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new OutputTail();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };

        // Both streams are drained for the whole life of the process: a full pipe would stall Azurite.
        process.OutputDataReceived += (_, e) =>
        {
            output.Add(e.Data);
            if (e.Data is not null && ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups["port"].ValueSpan, CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            output.Add(e.Data);
            if (e.Data is not null)
            {
                log.Verbose("Azurite: " + e.Data);
            }
        };

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync(cancellationToken);
            var timedOut = Task.Delay(startTimeout, timeProvider, cancellationToken);
            var first = await Task.WhenAny(listening.Task, exited, timedOut);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == listening.Task)
            {
                return new AzuriteProcess(process, await listening.Task, timeProvider);
            }

            if (first == exited)
            {
                // Let the last lines of stderr arrive before quoting them.
                await process.WaitForExitAsync(cancellationToken);
                throw AzuriteErrors.ExitedBeforeListening(process.ExitCode, output.ToString());
            }

            throw AzuriteErrors.StartTimedOut(startTimeout, output.ToString());
        }
        catch
        {
            await new AzuriteProcess(process, 0, timeProvider).DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks Azurite to shut down cleanly so its metadata is saved, then kills whatever is left.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            if (!HasExited())
            {
                if (!OperatingSystem.IsWindows() && SendSignal(ProcessId, SigTerm) == 0
                    && await WaitForExitAsync(AzuriteDefaults.GracefulStopTimeout))
                {
                    return;
                }

                KillTree();
                await WaitForExitAsync(AzuriteDefaults.KillTimeout);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private bool HasExited()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout, _timeProvider);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"successfully listens on https?://[^\s]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();

    // SIGTERM has no managed API; Process.Kill only sends SIGKILL, which would lose Azurite's unsaved metadata.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}
