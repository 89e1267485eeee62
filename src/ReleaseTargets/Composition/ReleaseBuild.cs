using ReleaseTargets.Configuration;
using ReleaseTargets.Credentials;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Fetch;
using ReleaseTargets.Seal;
using ReleaseTargets.Stages;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Verify;

namespace ReleaseTargets.Composition;

/// <summary>
/// A release driven from C# code — a NUKE or Fallout build, Cake Frosting, Bullseye, a plain console program — with the
/// same stages, parameters and guarantees as the Cake recipe: parameters from the build's own arguments, the environment
/// and <c>.nuke/parameters.json</c>; Ctrl-C / SIGTERM cancel in order; disposing records the stage timings, saves the
/// history and stops the local emulator. Either call <see cref="RunAsync(Func{ReleaseOptions, CancellationToken, Task})"/> once, or call
/// one stage method per target of your engine, in order.
/// </summary>
public sealed class ReleaseBuild : IAsyncDisposable
{
    /// <summary>The targets a release build has: the chain in order, then the ones that stand alone (Seal: the final job of a sharded release; Verify and Fetch: the read side).</summary>
    public static readonly IReadOnlyList<string> Targets = [ReleaseStages.Build, ReleaseStages.RefreshCredentials, ReleaseStages.Push, ReleaseStages.Seal, ReleaseStages.Verify, ReleaseStages.Fetch];

    private readonly ReleaseRun _run;
    private readonly ReleaseCancellation _cancellation;
    private readonly IReleaseLog _log;
    private bool _prerequisitesChecked;
    private bool _succeeded = true;

    private ReleaseBuild(string target, ReleaseRun run, ReleaseCancellation cancellation, IReleaseLog log)
    {
        Target = target;
        _run = run;
        _cancellation = cancellation;
        _log = log;
    }

    /// <summary>The target asked for on the command line (the first bare argument or <c>--target=</c>), default <c>Push</c>.</summary>
    public string Target { get; }

    /// <summary>The resolved parameters (paths absolute).</summary>
    public ReleaseOptions Options => _run.Options;

    /// <summary>Cancelled by the first SIGINT or SIGTERM: pass it to your own Build work.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>
    /// Resolves every parameter from <paramref name="args"/>, the environment and the parameters file, and starts
    /// listening for Ctrl-C. Arguments that are not ReleaseTargets parameters are left to the build, unless they look like a
    /// misspelt one. Bad values fail here, all in one <see cref="ReleaseConfigurationException"/>, before anything runs.
    /// </summary>
    /// <param name="args">The build's command line.</param>
    /// <param name="configure">The build's defaults (e.g. <c>s.ReleaseVersion = "1.2.3"</c>).</param>
    /// <param name="log">Where the release writes; default the console. <see cref="LoggerReleaseLog"/> adapts an <c>ILogger</c>.</param>
    public static ReleaseBuild Create(IReadOnlyList<string> args, Action<ReleaseBuildSettings>? configure = null, IReleaseLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new ReleaseBuildSettings();
        configure?.Invoke(settings);
        var commandLine = BuildCommandLine.Parse(args);
        var target = commandLine.Target ?? ReleaseStages.Push;
        if (!Targets.Contains(target, StringComparer.OrdinalIgnoreCase))
        {
            throw new ReleaseConfigurationException([$"Unknown target '{target}'. Available targets: {string.Join(", ", Targets)}."]);
        }

        var environment = EnvironmentVariables.Read();
        var options = settings.Resolve(commandLine.Parameters, environment, commandLine.OwnedByTheBuild(), Directory.GetCurrentDirectory());
        var release = Start(Targets.First(t => string.Equals(t, target, StringComparison.OrdinalIgnoreCase)), options, environment, log);
        release.ListenForSignals();
        return release;
    }

    /// <summary>
    /// For a build engine that resolves the parameters and runs the targets itself (the Cake recipe): the run is created
    /// from <paramref name="options"/> (validated here, all problems in one <see cref="ReleaseConfigurationException"/>).
    /// Signals are not handled until <see cref="ListenForSignals"/>, so a build that runs no release stage keeps its own Ctrl-C.
    /// </summary>
    public static ReleaseBuild FromOptions(ReleaseOptions options, IReleaseLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Start(ReleaseStages.Push, options, EnvironmentVariables.Read(), log);
    }

    /// <summary>The run, its one redactor (which every log line and escaping exception passes) and its cancellation.</summary>
    private static ReleaseBuild Start(string target, ReleaseOptions options, IReadOnlyDictionary<string, string> environment, IReleaseLog? log)
    {
        var redactor = new Redactor();
        var sink = new RedactingLog(log ?? new ConsoleReleaseLog(), redactor);
        return new ReleaseBuild(target, new ReleaseRun(options, sink, TimeProvider.System, environment, redactor: redactor), new ReleaseCancellation(sink), sink);
    }

    /// <summary>
    /// The whole release in one call: the target's chain (Build → RefreshCredentials → Push, or Seal alone), then the
    /// timings, history and emulator are settled. Returns the process exit code: 0, 1 when a stage failed (its message
    /// is logged), 130/143 when cancelled by SIGINT/SIGTERM.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<ReleaseOptions, CancellationToken, Task> build, Action<ReleaseBuildSettings>? configure = null, IReleaseLog? log = null)
    {
        ReleaseBuild release;
        try
        {
            release = Create(args, configure, log);
        }
        catch (ReleaseTargetsException exception)
        {
            // No run exists yet, so no secret was registered: the sink's own patterns are all there is to apply.
            (log ?? new ConsoleReleaseLog()).Error(Redactor.RedactPatterns(exception.Message));
            return 1;
        }

        await using (release)
        {
            return await release.RunAsync(build);
        }
    }

    /// <summary>Runs <see cref="Target"/>'s chain; see <see cref="RunAsync(IReadOnlyList{string}, Func{ReleaseOptions, CancellationToken, Task}, Action{ReleaseBuildSettings}?, IReleaseLog?)"/>.</summary>
    public async Task<int> RunAsync(Func<ReleaseOptions, CancellationToken, Task> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            if (Target == ReleaseStages.Seal)
            {
                await SealAsync();
                return 0;
            }

            if (Target == ReleaseStages.Verify)
            {
                await VerifyAsync();
                return 0;
            }

            if (Target == ReleaseStages.Fetch)
            {
                await FetchAsync();
                return 0;
            }

            await BuildAsync(build);
            if (Target != ReleaseStages.Build)
            {
                await RefreshCredentialsAsync();
            }

            if (Target == ReleaseStages.Push)
            {
                await PushAsync();
            }

            return 0;
        }
        catch (ReleaseTargetsException exception)
        {
            _log.Error(exception.Message);
            return _cancellation.Signal switch { "SIGINT" => 130, "SIGTERM" => 143, _ => 1 };
        }
    }

    /// <summary>The Build target: checks what the later stages need first (so a missing piece fails before the build), then times <paramref name="build"/>, which gets the resolved options (its artifacts go to <see cref="ReleaseOptions.ArtifactsDirectory"/>, an absolute path).</summary>
    public Task BuildAsync(Func<ReleaseOptions, CancellationToken, Task> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        return StageAsync(ReleaseStages.Build, async ct =>
        {
            EnsurePrerequisites();
            _run.BeginBuild();
            await build(_run.Options, ct);
        });
    }

    /// <summary>The RefreshCredentials target: a fresh SAS sized to the forecast of this push.</summary>
    public Task<SasWindow> RefreshCredentialsAsync() => StageAsync(ReleaseStages.RefreshCredentials, ct =>
    {
        EnsurePrerequisites();
        return _run.RefreshCredentialsAsync(ct);
    });

    /// <summary>The Push target: every artifact, then the manifest (or the shard record).</summary>
    public Task<PushReport> PushAsync() => StageAsync(ReleaseStages.Push, _run.PushAsync);

    /// <summary>The Seal target of a sharded release: waits for every shard and writes the manifest.</summary>
    public Task<SealReport> SealAsync() => StageAsync(ReleaseStages.Seal, ct =>
    {
        EnsurePrerequisites();
        return _run.SealAsync(ct);
    });

    /// <summary>The Verify target: checks a published release against its manifest (every byte with <c>--download</c>); fails naming every mismatch.</summary>
    public Task<VerifyReport> VerifyAsync() => StageAsync(ReleaseStages.Verify, ct =>
    {
        EnsurePrerequisites();
        return _run.VerifyAsync(ct);
    });

    /// <summary>The Fetch target: downloads a published release into <c>--to</c>; each file appears there only whole and verified.</summary>
    public Task<FetchReport> FetchAsync() => StageAsync(ReleaseStages.Fetch, ct =>
    {
        EnsurePrerequisites();
        return _run.FetchAsync(ct);
    });

    /// <summary>From now on the first SIGINT or SIGTERM cancels the release stages in order (requests cancelled, staged blocks kept, emulator stopped); a second one stops the process.</summary>
    public void ListenForSignals() => _cancellation.Listen();

    /// <summary>Checks what the release stages will need (Node.js for the local emulator, or the credential source's settings), so a missing piece fails before the build. Mints nothing.</summary>
    public void CheckPrerequisites()
    {
        _run.ValidatePrerequisites();
        _prerequisitesChecked = true;
    }

    /// <summary>Starts timing the engine's own Build stage; it ends when the next release stage starts (or at <see cref="CompleteAsync"/>).</summary>
    public void BeginBuild() => _run.BeginBuild();

    /// <summary>Ends the release: prints every stage's duration, saves the history (locally and shared) and stops the emulator. Idempotent.</summary>
    /// <param name="succeeded">Whether the build as a whole succeeded (an open Build stage is recorded as failed otherwise).</param>
    public Task CompleteAsync(bool succeeded) => _run.CompleteAsync(succeeded && _succeeded);

    /// <summary>Prints every stage's duration, saves the history and stops the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CompleteAsync(_succeeded);
        }
        finally
        {
            await _run.DisposeAsync();
            _cancellation.Dispose();
        }
    }

    private async Task StageAsync(string stage, Func<CancellationToken, Task> step) =>
        await StageAsync(stage, async ct =>
        {
            await step(ct);
            return true;
        });

    private async Task<T> StageAsync<T>(string stage, Func<CancellationToken, Task<T>> step)
    {
        try
        {
            T result = default!;
            await _cancellation.RunAsync(stage, async ct => result = await step(ct));
            return result;
        }
        catch
        {
            _succeeded = false;
            throw;
        }
    }

    private void EnsurePrerequisites()
    {
        if (!_prerequisitesChecked && Target != ReleaseStages.Build)
        {
            _run.ValidatePrerequisites();
        }

        _prerequisitesChecked = true;
    }
}
