using Azure.Storage.Blobs;
using Polly;
using ReleaseTargets.Configuration;
using ReleaseTargets.Credentials;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Emulator;
using ReleaseTargets.Push;
using ReleaseTargets.Registry;
using ReleaseTargets.Resilience;
using ReleaseTargets.Seal;
using ReleaseTargets.Stages;

namespace ReleaseTargets;

/// <summary>
/// One release run, engine-agnostic: the build engine calls <see cref="BeginBuild"/>, <see cref="RefreshCredentialsAsync"/>,
/// <see cref="PushAsync"/> (or, on the final job of a sharded release, <see cref="SealAsync"/>) and finally <see cref="CompleteAsync"/>. Holds what the stages share (artifacts, storage
/// target, the SAS) and records every stage's timing for the next run's forecast.
/// </summary>
public sealed class ReleaseRun : IAsyncDisposable
{
    private readonly ReleaseOptions _options;
    private readonly IReleaseLog _log;
    private readonly TimeProvider _timeProvider;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly StageHistory _history;
    private readonly StageClock _clock;
    private readonly SasLifetimePolicy _policy;
    private StageScope? _build;
    private AzuriteEmulator? _emulator;
    private StorageTarget? _target;
    private ArtifactSet? _artifacts;
    private PushForecast? _forecast;
    private RenewableSasCredential? _sas;
    private UserDelegationSasIssuer? _issuer;
    private BlobStageHistoryStore? _sharedHistory;
    private Azure.Core.TokenCredential? _tokenCredential;
    private ReleaseImages? _images;
    private bool _completed;

    /// <param name="options">Resolved parameters; validated here (all problems in one <see cref="ReleaseConfigurationException"/>) and copied, so changing them later does not change this run.</param>
    /// <param name="log">Where the run reports; redacted on the way.</param>
    /// <param name="timeProvider">Clock for stage timings, SAS windows and retries. Default: the system clock.</param>
    /// <param name="environment">Environment variables. Default: the process environment.</param>
    /// <param name="target">A storage target to use instead of resolving one from <see cref="ReleaseOptions.StorageUrl"/> (tests, hosts with their own clients).</param>
    public ReleaseRun(ReleaseOptions options, IReleaseLog log, TimeProvider? timeProvider = null, IReadOnlyDictionary<string, string>? environment = null, StorageTarget? target = null)
    {
        _options = options.WithPathsResolved(Directory.GetCurrentDirectory());
        ReleaseOptionsValidator.ThrowIfInvalid(_options);
        _target = target;
        _log = new RedactingLog(log);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _environment = environment ?? EnvironmentVariables.Read();
        _history = StageHistory.Load(HistoryPath, _options.HistoryLength, _log);
        _clock = new StageClock(_timeProvider, _history);
        _policy = new SasLifetimePolicy(_options.SasLimits, _options.Forecast);
    }

    /// <summary>A copy of the validated options this run uses: changing it does not change the run.</summary>
    public ReleaseOptions Options => _options.Clone();

    public string HistoryPath => Path.Combine(_options.StateDirectory, "stage-history.json");

    /// <summary>Where the push writes its JSON report: the state folder, never the artifacts folder (a user's file of that name stays theirs).</summary>
    public string ReportPath => Path.Combine(_options.StateDirectory, PushReportWriter.JsonFileName);

    /// <summary>The durations this run recorded so far, per stage.</summary>
    public IReadOnlyList<StageRecord> Stages => _clock.CurrentRun;

    /// <summary>The window of the SAS the push runs on, once minted.</summary>
    public SasWindow? SasWindow => _sas?.Current.Window;

    /// <summary>The SAS in use (tests prove it never reaches a log or report).</summary>
    internal string? CurrentSasToken => _sas?.Current.Token;

    /// <summary>
    /// Checks what RefreshCredentials will need — Node.js for the local emulator, or the chosen credential source's
    /// settings — so a missing piece fails before the Build stage, not after it. Mints nothing.
    /// </summary>
    public void ValidatePrerequisites()
    {
        StateDirectoryCheck.EnsureWritable(_options.StateDirectory, "--state-directory");
        if (_target is not null)
        {
            return;
        }

        if (_options.StorageUrl is null)
        {
            AzuriteEmulator.EnsurePrerequisites();
            StateDirectoryCheck.EnsureWritable(EmulatorStateDirectory, "--state-directory");
        }
        else
        {
            _tokenCredential ??= TokenCredentialFactory.Create(_options.Credential, environment: name => _environment.GetValueOrDefault(name));
        }
    }

    /// <summary>Starts timing the Build stage (everything the build does before RefreshCredentials).</summary>
    public void BeginBuild() => _build ??= _clock.Begin(ReleaseStages.Build);

    /// <summary>
    /// Mints fresh credentials right before the push: token → user delegation key → user-delegation SAS sized to the
    /// forecast of this push. Bad input fails here before any credential is minted.
    /// </summary>
    public async Task<SasWindow> RefreshCredentialsAsync(CancellationToken cancellationToken = default)
    {
        _build?.Complete();
        _build = null;
        using var stage = _clock.Begin(ReleaseStages.RefreshCredentials);
        StateDirectoryCheck.EnsureWritable(_options.StateDirectory, "--state-directory");

        // Hashing (disk and CPU) runs while the credentials are fetched (network): the SAS is sized from the file sizes,
        // which discovery already knows. Names, block limits and every parameter are checked before either starts.
        using var stopHashing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var artifacts = _artifacts;
        Task<ArtifactSet>? hashing = null;
        if (artifacts is null)
        {
            // Image layout folders go to the registry, not into blob storage.
            _images = ReleaseImages.Find(_options, _timeProvider, _log);
            var globs = _images is { Layouts.Count: > 0 } ? $"{_options.Artifacts};{_images.ExcludeGlobs}" : _options.Artifacts;
            var discovered = ArtifactSet.Discover(_options.ArtifactsDirectory, globs, _options.ReleaseVersion, _options.StateDirectory);
            foreach (var warning in discovered.Warnings)
            {
                _log.Warning(warning);
            }

            BlockLimits.ThrowIfAnyTooLarge(discovered.Artifacts.Select(a => (a.RelativePath, a.Length)), _options.BlockSizeMiB);
            artifacts = discovered;
            hashing = Task.Run(() => discovered.HashAsync(BlockSize, stopHashing.Token), stopHashing.Token);
            if (_images is not null)
            {
                // The SAS must last through the images too (pushed in this stage, before the files): their size is
                // known once their layouts are read, so here hashing comes first.
                _artifacts = artifacts = await hashing;
                hashing = null;
                await _images.ReadAsync(artifacts.Artifacts.Select(a => a.LocalPath).ToList(), cancellationToken);
            }
        }

        SasWindow window;
        try
        {
            var totalBytes = artifacts.TotalBytes + (_images?.TotalBytes ?? 0);
            window = await MintAsync(() => PushForecaster.Forecast(_history.For(ReleaseStages.PushOf(_options.Shard)), totalBytes, _options.Forecast), cancellationToken);
        }
        catch when (hashing is not null)
        {
            // The credential failure is the one to report; the hashing it cut short has nothing to add.
            await stopHashing.CancelAsync();
            await Task.WhenAny(hashing);
            throw;
        }

        if (hashing is not null)
        {
            _artifacts = await hashing;
        }

        if (_images is not null)
        {
            await _images.RefreshCredentialsAsync(_environment, () => _tokenCredential ??= TokenCredentialFactory.Create(_options.Credential, environment: name => _environment.GetValueOrDefault(name)), cancellationToken);
        }

        stage.Complete();
        return window;
    }

    /// <summary>
    /// Seals a sharded release (the final job, after every <c>Push --shard</c>): mints its own SAS sized to the wait
    /// (<c>--seal-timeout</c>) plus verification, waits for every expected shard record, verifies every recorded artifact
    /// against the service and writes the release manifest. Needs neither Build nor artifacts.
    /// </summary>
    public async Task<SealReport> SealAsync(CancellationToken cancellationToken = default)
    {
        var shards = _options.ExpectedShards();
        if (shards.Count == 0)
        {
            throw new ReleaseConfigurationException(["Seal needs the shards to wait for: pass --shards=a,b,c (the --shard names of the pushes) or --shard-count=N (shards named 1 to N)."]);
        }

        _build?.Complete();
        _build = null;
        using var stage = _clock.Begin(ReleaseStages.Seal);
        StateDirectoryCheck.EnsureWritable(_options.StateDirectory, "--state-directory");
        if (_sas is null)
        {
            await MintAsync(() => SealForecast.For(_options.SealTimeout, _options.Forecast.SafetyFactor), cancellationToken);
        }

        var container = new BlobContainerClient(_target!.ContainerUri(_options.Container), _sas!.Credential, _target.CreateClientOptions(PushRetryOptions.From(Options), _timeProvider));
        var runner = new RequestRunner(PushRetryOptions.From(Options), _timeProvider, _sas, _options.Container, _log);
        var sealer = new ReleaseSealer(container, runner, new ShardWaiter(_timeProvider, _log, _options.SealTimeout), _timeProvider, _log);
        var stageSeconds = _clock.CurrentRun.ToDictionary(r => r.Stage, r => Math.Round(r.Duration.TotalSeconds, 3));
        var report = await sealer.SealAsync(_options.ReleaseVersion, shards, stageSeconds, cancellationToken);
        foreach (var line in PushReportWriter.ToLines(report))
        {
            _log.Information(line);
        }

        stage.Complete();
        return report;
    }

    /// <summary>Connects, creates the container when asked, merges the shared history, then mints a SAS sized to <paramref name="forecast"/> (read after the merge).</summary>
    private async Task<SasWindow> MintAsync(Func<PushForecast> forecast, CancellationToken cancellationToken)
    {
        _target ??= await ConnectAsync(cancellationToken);

        var options = _target.CreateClientOptions(PushRetryOptions.From(Options), _timeProvider);
        var tokenClient = new BlobServiceClient(_target.ServiceUri, _target.TokenCredential, options);
        var control = new RequestRunner(PushRetryOptions.From(Options), _timeProvider, NoRenewal.Instance, _options.Container, _log);
        if (_options.CreateContainer)
        {
            await WithTokenAsync(() => control.RunAsync($"Creating container '{_options.Container}'", async ct => await tokenClient.GetBlobContainerClient(_options.Container).CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken));
        }

        if (!_target.IsEmulator && _sharedHistory is null)
        {
            // Ephemeral CI agents start with no local history: share it through the account.
            _sharedHistory = new BlobStageHistoryStore(tokenClient.GetBlobContainerClient(_options.Container).GetBlobClient(BlobStageHistoryStore.BlobName), _options.HistoryLength, control, _log, _timeProvider);
            if (await _sharedHistory.LoadAsync(cancellationToken) is { } shared)
            {
                _history.Merge(shared);
            }
        }

        _forecast = forecast();
        _issuer = new UserDelegationSasIssuer(tokenClient, _options.Container);
        var issued = await WithTokenAsync(() => control.RunAsync("Minting the user-delegation SAS", ct => IssueAsync(remainingWork: null, ct), cancellationToken));

        _sas?.Dispose();
        _sas = new RenewableSasCredential(issued, IssueAsync, RemainingWork, _policy, !_options.DisableProactiveRenewal, _timeProvider, _log);
        _log.Information(issued.Window.Describe());
        return issued.Window;
    }

    /// <summary>Uploads every artifact, then the manifest. Mints credentials first when RefreshCredentials did not run.</summary>
    public async Task<PushReport> PushAsync(CancellationToken cancellationToken = default)
    {
        if (_sas is null)
        {
            _log.Information("No RefreshCredentials stage ran before Push: minting credentials now.");
            await RefreshCredentialsAsync(cancellationToken);
        }

        using var stage = _clock.Begin(ReleaseStages.PushOf(_options.Shard), _forecast?.Estimate);
        var container = new BlobContainerClient(_target!.ContainerUri(_options.Container), _sas!.Credential, _target.CreateClientOptions(PushRetryOptions.From(Options), _timeProvider));
        var pusher = new ReleasePusher(container, _sas, PushRetryOptions.From(Options), _options.Concurrency, _options.ProgressInterval, _timeProvider, _log, _options.Shard);
        var stageSeconds = _clock.CurrentRun.ToDictionary(r => r.Stage, r => Math.Round(r.Duration.TotalSeconds, 3));
        // Images first: the release manifest, written last by the blob push, then means images and files are all there.
        var images = _images is null ? null : await PushImagesAsync(container.Uri, cancellationToken);
        PushReport report;
        try
        {
            report = await pusher.PushAsync(_artifacts!, _options.ReleaseVersion, stageSeconds, _sas.Current.Window.Describe(), cancellationToken);
        }
        catch (PushFailedException failed)
        {
            await PushReportWriter.WriteAsync(WithForecast(failed.Report) with { Images = images }, ReportPath, StepSummaryPath, CancellationToken.None);
            throw;
        }

        report = WithForecast(report) with { Images = images };

        await PushReportWriter.WriteAsync(report, ReportPath, StepSummaryPath, cancellationToken);
        stage.Complete(report.BytesSent + (images?.Sum(i => i.BytesSent) ?? 0), report.Artifacts.Count + (images?.Count ?? 0));
        return report;
    }

    /// <summary>Ends the run: closes an open Build stage, prints every stage's duration, saves the history, stops the emulator.</summary>
    public async Task CompleteAsync(bool succeeded)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_build is not null)
        {
            if (succeeded)
            {
                _build.Complete();
            }
            else
            {
                _build.Fail();
            }
        }

        foreach (var record in _clock.CurrentRun)
        {
            var forecast = record.Forecast is { } f ? $", forecast {Units.Duration(f)}" : string.Empty;
            _log.Information($"Stage {record.Stage}: {Units.Duration(record.Duration)} ({record.Outcome}{forecast})");
        }

        try
        {
            _history.Save(HistoryPath);
        }
        catch (ReleaseTargetsException exception)
        {
            _log.Warning($"{exception.Message} The next forecast will not include this run.");
        }

        if (_sharedHistory is not null)
        {
            await _sharedHistory.SaveAsync(_history);
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _sas?.Dispose();
        if (_images is not null)
        {
            await _images.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
            _emulator = null;
        }
    }

    private string EmulatorStateDirectory => Path.Combine(_options.StateDirectory, "azurite");

    private int BlockSize => checked(_options.BlockSizeMiB * 1024 * 1024);

    private string? StepSummaryPath => _environment.GetValueOrDefault("GITHUB_STEP_SUMMARY");

    /// <summary>A request made with the token: a token that cannot be had fails naming the credential source and what to set.</summary>
    private async Task<T> WithTokenAsync<T>(Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (Exception exception) when (exception.InnerException is Azure.Identity.AuthenticationFailedException failed)
        {
            throw TokenCredentialFactory.DescribeFailure(_options.Credential, failed);
        }
    }

    private async Task<IssuedSas> IssueAsync(TimeSpan? remainingWork, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var window = _options.SasLifetime is { } fixedLifetime && _sas is null
            ? SasWindow.Fixed(now, fixedLifetime)
            : _policy.Choose(now, remainingWork is { } r ? _forecast!.ForRemaining(r) : _forecast!);
        return await _issuer!.IssueAsync(window, cancellationToken);
    }

    private TimeSpan RemainingWork(PushProgress progress) =>
        PushForecaster.ForecastRemaining(_forecast!, progress.TotalBytes, progress.RemainingBytes, progress.TransferredBytes, progress.Elapsed, _options.Forecast);

    /// <summary>Pushes the images; when one fails, writes the report and stops before any blob is sent.</summary>
    private async Task<IReadOnlyList<ImageResult>> PushImagesAsync(Uri containerUrl, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var images = await _images!.PushAsync(cancellationToken);
        if (images.All(i => i.Outcome is ArtifactOutcome.Uploaded or ArtifactOutcome.Skipped))
        {
            return images;
        }

        var report = WithForecast(new PushReport(_options.ReleaseVersion, containerUrl, [], _timeProvider.GetElapsedTime(started), _images.Renewals, _sas!.Current.Window.Describe(), Succeeded: false, ManifestUrl: null, Images: images));
        await PushReportWriter.WriteAsync(report, ReportPath, StepSummaryPath, CancellationToken.None);
        var failed = images.First(i => i.Outcome is not (ArtifactOutcome.Uploaded or ArtifactOutcome.Skipped));
        throw new PushFailedException(report, [$"Image '{failed.Name}' was not pushed to {failed.Reference}: {failed.Error}", "No tag of it was written, no artifact was sent to storage and no release manifest was written; re-run the push: blobs already in the registry are skipped."]);
    }

    private PushReport WithForecast(PushReport report) =>
        report with { ForecastEstimate = _forecast?.Estimate, ForecastBasis = _forecast?.Basis };

    private async Task<StorageTarget> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_options.StorageUrl is { } url)
        {
            ValidatePrerequisites();
            return new StorageTarget(url, _tokenCredential!, Handler: null, IsEmulator: false);
        }

        _emulator = await AzuriteEmulator.StartAsync(
            new AzuriteOptions { StateDirectory = EmulatorStateDirectory },
            _log,
            _timeProvider,
            cancellationToken);
        // The emulator credential and the pinned transport exist only for the loopback emulator this run started.
        return new StorageTarget(_emulator.BlobServiceUri, _emulator.CreateTokenCredential(), _emulator.CreatePinnedHandler(), IsEmulator: true);
    }
}
