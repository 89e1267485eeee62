using Azure.Core;
using Azure.Storage.Blobs;
using ReleaseTargets.Resilience;
using ReleaseTargets.Credentials;
using ReleaseTargets.Emulator;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Steps;

/// <summary>
/// The run's way to its storage account: the target (a real account with the run's one token credential, or the local
/// emulator this connection started and stops), the control-plane client and runner (token-authorised: container, key,
/// shared history), and the data-plane client options every SAS client uses.
/// </summary>
internal sealed class StorageConnection : IAsyncDisposable
{
    private readonly RunContext _run;
    private readonly AzuriteEmulator? _emulator;

    private StorageConnection(RunContext run, StorageTarget target, AzuriteEmulator? emulator)
    {
        _run = run;
        _emulator = emulator;
        Target = target;
        ClientOptions = target.CreateClientOptions(run.Retry, run.Time);
        TokenClient = new BlobServiceClient(target.ServiceUri, target.TokenCredential, ClientOptions);
        Control = new RequestRunner(run.Retry, run.Time, NoRenewal.Instance, run.Options.Container, run.Log);
    }

    public StorageTarget Target { get; }

    public BlobClientOptions ClientOptions { get; }

    /// <summary>Token-authorised service client: creates the container, gets the user delegation key, shares the history.</summary>
    public BlobServiceClient TokenClient { get; }

    /// <summary>The runner of token-authorised requests (nothing to renew: the token credential refreshes itself).</summary>
    public RequestRunner Control { get; }

    /// <summary>
    /// Connects: to <paramref name="given"/>, to <c>--storage-url</c> with <paramref name="token"/>, or to a local emulator
    /// started now; against a real account, shares the stage history through it (so ephemeral CI agents forecast from every
    /// agent's runs) before any forecast is made. Creates nothing: a writer calls <see cref="EnsureContainerAsync"/>.
    /// </summary>
    public static async Task<StorageConnection> OpenAsync(RunContext run, StorageTarget? given, Func<TokenCredential> token, StageTimeline timeline, CancellationToken cancellationToken)
    {
        var connection = given is not null ? new StorageConnection(run, given, emulator: null)
            : run.Options.StorageUrl is { } url ? new StorageConnection(run, new StorageTarget(url, token(), Handler: null, IsEmulator: false), emulator: null)
            : await StartEmulatorAsync(run, cancellationToken);
        try
        {
            await connection.ShareHistoryAsync(timeline, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// What connecting will need, checked without connecting: the state folder, and Node.js for the local emulator or the
    /// credential source's settings for a real account (the token credential is created, nothing is requested).
    /// </summary>
    public static void CheckPrerequisites(RunContext run, bool targetGiven, Func<TokenCredential> token)
    {
        run.EnsureStateWritable();
        if (targetGiven)
        {
            return;
        }

        if (run.Options.StorageUrl is null)
        {
            AzuriteEmulator.EnsurePrerequisites();
            Diagnostics.StateDirectoryCheck.EnsureWritable(run.EmulatorStateDirectory, "--state-directory");
        }
        else
        {
            _ = token();
        }
    }

    /// <summary>A client of the release container on the data plane, authorised by <paramref name="sas"/>.</summary>
    public BlobContainerClient Container(Azure.AzureSasCredential sas) =>
        new(Target.ContainerUri(_run.Options.Container), sas, ClientOptions);

    /// <summary>A request made with the token: a token that cannot be had fails naming the credential source and what to set.</summary>
    public async Task<T> WithTokenAsync<T>(string step, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        try
        {
            return await Control.RunAsync(step, request, cancellationToken);
        }
        catch (Exception exception) when (exception.InnerException is Azure.Identity.AuthenticationFailedException failed)
        {
            throw TokenCredentialFactory.DescribeFailure(_run.Options.Credential, failed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    private static async Task<StorageConnection> StartEmulatorAsync(RunContext run, CancellationToken cancellationToken)
    {
        var emulator = await AzuriteEmulator.StartAsync(new AzuriteOptions { StateDirectory = run.EmulatorStateDirectory }, run.Log, run.Time, cancellationToken);
        // The emulator credential and the pinned transport exist only for the loopback emulator this run started.
        return new StorageConnection(run, new StorageTarget(emulator.BlobServiceUri, emulator.CreateTokenCredential(), emulator.CreatePinnedHandler(), IsEmulator: true), emulator);
    }

    /// <summary>Creates the container when it is missing and <c>--create-container</c> allows it (Push and Seal; Verify and Fetch only read).</summary>
    public async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_run.Options.CreateContainer)
        {
            var container = TokenClient.GetBlobContainerClient(_run.Options.Container);
            await WithTokenAsync($"Creating container '{_run.Options.Container}'", async ct => await container.CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken);
        }
    }

    private async Task ShareHistoryAsync(StageTimeline timeline, CancellationToken cancellationToken)
    {
        if (!Target.IsEmulator)
        {
            var container = TokenClient.GetBlobContainerClient(_run.Options.Container);
            await timeline.ShareAsync(new BlobStageHistoryStore(container.GetBlobClient(BlobStageHistoryStore.BlobName), _run.Options.HistoryLength, Control, _run.Log), cancellationToken);
        }
    }
}
