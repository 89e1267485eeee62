using Azure.Core;
using ReleaseTargets.Configuration;
using ReleaseTargets.Credentials;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Fetch;
using ReleaseTargets.Seal;
using ReleaseTargets.Stages;
using ReleaseTargets.Steps;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Verify;

namespace ReleaseTargets;

/// <summary>
/// One release run, engine-agnostic. It only sequences: each stage is a step that takes what earlier steps produced
/// (<see cref="StorageConnection"/>, <see cref="RefreshedRelease"/>, <see cref="MintedCredentials"/>), each produced at
/// most once and asked for where it is needed. The timeline records every stage for the next run's forecast.
/// </summary>
internal sealed class ReleaseRun : IAsyncDisposable
{
    private readonly RunContext _run;
    private readonly StageTimeline _timeline;
    private readonly Lazy<TokenCredential> _token;
    private readonly Once<StorageConnection> _connection;
    private readonly Once<RefreshedRelease> _refreshed;
    private readonly Once<MintedCredentials> _sealCredentials;
    private readonly bool _targetGiven;
    private int _completed;
    private int _disposed;

    /// <param name="options">Resolved parameters; validated here (all problems in one <see cref="ReleaseConfigurationException"/>) and copied, so changing them later does not change this run.</param>
    /// <param name="target">A storage target to use instead of resolving one from <see cref="ReleaseOptions.StorageUrl"/> (tests, hosts with their own clients).</param>
    /// <param name="redactor">The run's redactor, when the caller already wraps its log with it (<see cref="Composition.ReleaseBuild"/>); default a new one.</param>
    public ReleaseRun(ReleaseOptions options, IReleaseLog log, TimeProvider? timeProvider = null, IReadOnlyDictionary<string, string>? environment = null, StorageTarget? target = null, Redactor? redactor = null)
    {
        var resolved = options.WithPathsResolved(Directory.GetCurrentDirectory());
        ReleaseOptionsValidator.ThrowIfInvalid(resolved);
        var env = environment ?? EnvironmentVariables.Read();
        redactor ??= new Redactor();
        _run = new RunContext(resolved, RedactingLog.Wrap(log, redactor), timeProvider ?? TimeProvider.System, env, redactor);
        _timeline = new StageTimeline(_run.HistoryPath, resolved.HistoryLength, _run.Time, _run.Log);
        _token = new(() => TokenCredentialFactory.Create(resolved.Credential, redactor, environment: name => env.GetValueOrDefault(name)));
        _targetGiven = target is not null;
        _connection = new(ct => StorageConnection.OpenAsync(_run, target, () => _token.Value, _timeline, ct));
        _refreshed = new(ct => CredentialRefresh.RunAsync(_run, _timeline, _connection.GetAsync, () => _token.Value, ct));
        _sealCredentials = new(async ct => await SealStep.MintAsync(_run, await _connection.GetAsync(ct), ct));
    }

    /// <summary>A copy of the validated options this run uses: changing it does not change the run.</summary>
    public ReleaseOptions Options => _run.Options.Clone();

    public string HistoryPath => _run.HistoryPath;

    /// <summary>Where the push writes its JSON report: the state folder, never the artifacts folder.</summary>
    public string ReportPath => _run.ReportPath;

    /// <summary>The durations this run recorded so far, per stage.</summary>
    public IReadOnlyList<StageRecord> Stages => _timeline.CurrentRun;

    /// <summary>The window of the SAS the run works on, once minted.</summary>
    public SasWindow? SasWindow => CurrentSas?.Current.Window;

    /// <summary>The SAS in use (tests prove it never reaches a log or report).</summary>
    internal string? CurrentSasToken => CurrentSas?.Current.Token;

    private RenewableSasCredential? CurrentSas =>
        _refreshed.TryGet(out var refreshed) ? refreshed.Credentials.Sas : _sealCredentials.TryGet(out var seal) ? seal.Sas : null;

    /// <summary>
    /// Checks what RefreshCredentials will need — Node.js for the local emulator, or the chosen credential source's
    /// settings — so a missing piece fails before the Build stage, not after it. Mints nothing.
    /// </summary>
    public void ValidatePrerequisites() => _run.Redactor.Leaving(() => StorageConnection.CheckPrerequisites(_run, _targetGiven, () => _token.Value));

    /// <summary>Starts timing the Build stage (everything the build does before RefreshCredentials).</summary>
    public void BeginBuild() => _run.Redactor.Leaving(_timeline.BeginBuild);

    /// <summary>Mints fresh credentials right before the push, sized to the forecast of this push.</summary>
    public Task<SasWindow> RefreshCredentialsAsync(CancellationToken cancellationToken = default) => _run.Redactor.LeavingAsync(async () =>
        (await _refreshed.GetAsync(cancellationToken)).Credentials.Sas.Current.Window);

    /// <summary>Uploads every artifact, then the manifest. Credentials are minted first when RefreshCredentials did not run.</summary>
    public Task<PushReport> PushAsync(CancellationToken cancellationToken = default) => _run.Redactor.LeavingAsync(async () =>
    {
        if (!_refreshed.TryGet(out _))
        {
            _run.Log.Information("No RefreshCredentials stage ran before Push: minting credentials now.");
        }

        return await PushStep.RunAsync(_run, _timeline, await _refreshed.GetAsync(cancellationToken), cancellationToken);
    });

    /// <summary>Seals a sharded release (the final job, after every <c>Push --shard</c>): waits, verifies, writes the manifest.</summary>
    public Task<SealReport> SealAsync(CancellationToken cancellationToken = default) => _run.Redactor.LeavingAsync(async () =>
    {
        var shards = SealStep.ExpectedShards(_run);
        using var stage = _timeline.Begin(ReleaseStages.Seal);
        _run.EnsureStateWritable();
        var report = await SealStep.RunAsync(_run, _timeline, await _connection.GetAsync(cancellationToken), await _sealCredentials.GetAsync(cancellationToken), shards, cancellationToken);
        stage.Complete();
        return report;
    });

    /// <summary>Checks a published release against its manifest with a read + list SAS of its own (no Build); <c>--download</c> reads every byte.</summary>
    public Task<VerifyReport> VerifyAsync(CancellationToken cancellationToken = default) => _run.Redactor.LeavingAsync(async () =>
        await VerifyStep.RunAsync(_run, _timeline, await _connection.GetAsync(cancellationToken), () => _token.Value, cancellationToken));

    /// <summary>Downloads a published release into <c>--to</c>, every file verified, with a read + list SAS sized to the download (no Build).</summary>
    public Task<FetchReport> FetchAsync(CancellationToken cancellationToken = default) => _run.Redactor.LeavingAsync(() =>
        FetchStep.RunAsync(_run, _timeline, FetchStep.Destination(_run), _connection.GetAsync, cancellationToken));

    /// <summary>Ends the run: closes an open Build stage, prints every stage's duration, saves the history, stops the emulator.</summary>
    public Task CompleteAsync(bool succeeded) => _run.Redactor.LeavingAsync(async () =>
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            await _timeline.CompleteAsync(succeeded);
        }

        await DisposeOnceAsync();
    });

    public async ValueTask DisposeAsync() => await _run.Redactor.LeavingAsync(DisposeOnceAsync);

    private async Task DisposeOnceAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_sealCredentials.TryGet(out var seal))
        {
            seal.Dispose();
        }

        if (_refreshed.TryGet(out var refreshed))
        {
            await refreshed.DisposeAsync();
        }

        if (_connection.TryGet(out var connection))
        {
            await connection.DisposeAsync();
        }
    }
}
