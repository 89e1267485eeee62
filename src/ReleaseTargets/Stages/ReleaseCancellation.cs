using System.Runtime.InteropServices;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Stages;

/// <summary>
/// Turns the first SIGINT or SIGTERM into a cancelled <see cref="Token"/>, so a release stops in order — in-flight
/// requests cancelled, staged blocks kept for a re-run to resume, the emulator stopped, a non-zero exit — instead of
/// ignoring the signal or dying mid-push (issue 10). A second signal stops the process at once (exit 130 / 143).
/// </summary>
internal sealed class ReleaseCancellation : IDisposable
{
    private readonly IReleaseLog _log;
    private readonly Action<int> _exit;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    /// <param name="log">Where the one cancellation line is written.</param>
    public ReleaseCancellation(IReleaseLog log)
        : this(log, Environment.Exit)
    {
    }

    internal ReleaseCancellation(IReleaseLog log, Action<int> exit)
    {
        ArgumentNullException.ThrowIfNull(log);
        _log = log;
        _exit = exit;
        Token = _cancellation.Token;
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM once <see cref="Listen"/> was called.</summary>
    public CancellationToken Token { get; }

    /// <summary>The signal that cancelled the release (<c>SIGINT</c> or <c>SIGTERM</c>), or null.</summary>
    public string? Signal { get; private set; }

    /// <summary>Starts handling SIGINT and SIGTERM (idempotent). Until <see cref="Dispose"/>, they no longer terminate the process by themselves.</summary>
    public void Listen()
    {
        lock (_registrations)
        {
            if (_registrations.Count > 0)
            {
                return;
            }

            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, context => context.Cancel = OnSignal(context.Signal)));
            }
        }
    }

    /// <summary>
    /// Runs one release stage with <see cref="Token"/>; a cancellation by signal becomes one <see cref="ReleaseTargetsException"/>
    /// saying what was kept and that a re-run resumes. Other failures (e.g. the push's own report) pass through unchanged.
    /// </summary>
    public async Task RunAsync(string stage, Func<CancellationToken, Task> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        try
        {
            await step(Token);
        }
        catch (OperationCanceledException exception) when (Token.IsCancellationRequested)
        {
            throw new ReleaseTargetsException(
                $"{stage} was cancelled ({Signal}); nothing was published. Re-run the release to continue: a push resumes from the blocks already staged.",
                exception);
        }
    }

    public void Dispose()
    {
        lock (_registrations)
        {
            foreach (var registration in _registrations)
            {
                registration.Dispose();
            }

            _registrations.Clear();
        }

        _cancellation.Dispose();
    }

    /// <summary>Handles one signal; also the test hook that stands in for a real one.</summary>
    /// <returns>True to cancel the default termination (first signal).</returns>
    internal bool OnSignal(PosixSignal signal)
    {
        var name = signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        if (Interlocked.Increment(ref _signals) > 1)
        {
            // The user asked twice: stop now. Azurite left behind is stopped by the next run (pid file).
            _exit(signal == PosixSignal.SIGTERM ? 143 : 130);
            return false;
        }

        Signal = name;
        _log.Warning($"Cancelling the release ({name}): in-flight requests are being cancelled; staged blocks are kept and a re-run resumes. Send {name} again to stop at once.");

        try
        {
            _cancellation.Cancel();
        }
        catch (AggregateException)
        {
            // A callback failed while aborting its request; every other callback still ran and the token is cancelled.
        }

        return true;
    }
}
