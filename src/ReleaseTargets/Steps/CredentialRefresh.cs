using Azure.Core;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Steps;

/// <summary>The release made ready to push: where it goes, what it sends, and the credentials sized to sending it.</summary>
internal sealed record RefreshedRelease(StorageConnection Connection, PreparedRelease Release, MintedCredentials Credentials) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        Credentials.Dispose();
        await Release.DisposeAsync();
    }
}

/// <summary>
/// The RefreshCredentials stage: discovers and hashes the artifacts while the storage credentials are fetched (disk and
/// CPU against network), sizes the SAS to the forecast of this push over everything it sends, then authenticates to the
/// registry when the release has images. Bad input fails before any credential is minted.
/// </summary>
internal static class CredentialRefresh
{
    public static async Task<RefreshedRelease> RunAsync(RunContext run, StageTimeline timeline, Func<CancellationToken, Task<StorageConnection>> connect, Func<TokenCredential> token, CancellationToken cancellationToken)
    {
        using var stage = timeline.Begin(ReleaseStages.RefreshCredentials);
        run.EnsureStateWritable();
        var (discovered, images) = PreparedRelease.Discover(run);
        using var stopHashing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hashing = Task.Run(() => discovered.HashAsync(run.BlockSize, stopHashing.Token), stopHashing.Token);

        PreparedRelease? prepared = null;
        MintedCredentials? minted = null;
        try
        {
            // The SAS must last through the images too: their size is known once their layouts are read, so then hashing comes first.
            prepared = images is null ? null : await PreparedRelease.ReadImagesAsync(await hashing, images, cancellationToken);
            var connection = await connect(cancellationToken);
            await connection.EnsureContainerAsync(cancellationToken);
            var forecast = PushForecaster.Forecast(timeline.HistoryOf(ReleaseStages.PushOf(run.Options.Shard)), prepared?.TotalBytes ?? discovered.TotalBytes, run.Options.Forecast);
            minted = await MintedCredentials.MintAsync(run, connection, forecast, cancellationToken);
            prepared ??= new PreparedRelease(await hashing, Images: null);
            if (prepared.Images is { } toAuthenticate)
            {
                await toAuthenticate.RefreshCredentialsAsync(run.Environment, token, cancellationToken);
            }

            stage.Complete();
            return new RefreshedRelease(connection, prepared, minted);
        }
        catch
        {
            // The failure that stopped the stage is the one to report; the hashing it cut short has nothing to add.
            await stopHashing.CancelAsync();
            await Task.WhenAny(hashing);
            minted?.Dispose();
            if (prepared is not null)
            {
                await prepared.DisposeAsync();
            }

            throw;
        }
    }
}
