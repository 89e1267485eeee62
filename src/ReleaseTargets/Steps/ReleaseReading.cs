using System.Runtime.CompilerServices;
using ReleaseTargets.Credentials;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Stages;
using ReleaseTargets.Verify;

namespace ReleaseTargets.Steps;

/// <summary>
/// What Verify and Fetch share before they read a byte: the manifest, read with the run's token (so the SAS can be sized to
/// what it lists), why a version has none, and a read + list SAS sized from the stage's own history.
/// </summary>
internal static class ReleaseReading
{
    /// <summary>The published manifest as stored (null: absent; a null value: there but unreadable), read with the token.</summary>
    public static async Task<Stored<ReleaseManifest>?> ReadManifestAsync(RunContext run, StorageConnection connection, CancellationToken cancellationToken)
    {
        var version = run.Options.ReleaseVersion;
        var blob = ManifestBlob(run, connection);
        var store = new PublicationStore(connection.Control);
        var stored = await connection.WithTokenAsync(
            $"Reading the manifest of release '{version}'", ct => store.ReadAsync(blob, $"Reading the manifest of release '{version}'", ReleaseManifest.Codec, ct), cancellationToken);
        return stored is { Value: { Artifacts: null } } ? stored with { Value = null } : stored;
    }

    /// <summary>The published manifest; a version without one is refused, saying whether it was never published or is sharded and not sealed.</summary>
    public static async Task<ReleaseManifest> ManifestAsync(RunContext run, StorageConnection connection, string refusal, CancellationToken cancellationToken)
    {
        var version = run.Options.ReleaseVersion;
        Stored<ReleaseManifest>? stored;
        try
        {
            stored = await ReadManifestAsync(run, connection, cancellationToken);
        }
        catch (Resilience.RequestFailureException missing) when (missing.Kind == Resilience.FaultKind.ContainerNotFound)
        {
            // A reader never creates the container: nothing was published in one that does not exist.
            throw new ReleaseTargetsException($"{refusal}: container '{run.Options.Container}' does not exist at {connection.Target.ServiceUri}, so nothing was published there. Check --container and --storage-url.");
        }

        if (stored?.Value is { } manifest)
        {
            return manifest;
        }

        if (stored is not null)
        {
            throw new ReleaseTargetsException($"{refusal}: {ManifestBlob(run, connection).Uri} is not a readable release manifest. Run Verify to see what is wrong with release '{version}'.");
        }

        var container = connection.TokenClient.GetBlobContainerClient(run.Options.Container);
        var store = new PublicationStore(connection.Control);
        var (status, findings) = await new UnpublishedRelease(container, connection.Control, store, new StrongBox<int>()).DescribeAsync(version, cancellationToken);
        var fix = status == VerifyStatus.Unsealed ? "Run Seal once every shard is pushed, then fetch." : "Check --release-version and --container.";
        throw new ReleaseTargetsException($"{refusal}: release '{version}' has no manifest in container '{run.Options.Container}'." + Environment.NewLine +
            string.Join(Environment.NewLine, findings.Select(f => $"  - {f.Name} {f.Problem}")) + Environment.NewLine + fix);
    }

    /// <summary>A read + list SAS (never create or write) sized to reading <paramref name="bytes"/>, forecast from <paramref name="stage"/>'s history.</summary>
    public static Task<MintedCredentials> MintAsync(RunContext run, StorageConnection connection, StageTimeline timeline, string stage, long bytes, CancellationToken cancellationToken)
    {
        // The forecaster words its basis for pushes ("3 comparable pushes"); this one counts the stage's own runs.
        var forecast = PushForecaster.Forecast(timeline.HistoryOf(stage), bytes, run.Options.Forecast);
        var (many, one) = stage == ReleaseStages.Fetch ? ("fetches", "fetch") : ($"{stage} runs", $"{stage} run");
        forecast = forecast with { Basis = forecast.Basis.Replace("pushes", many, StringComparison.Ordinal).Replace("push", one, StringComparison.Ordinal) };
        return MintedCredentials.MintAsync(run, connection, forecast, cancellationToken, UserDelegationSasIssuer.ReadPermissions);
    }

    private static Azure.Storage.Blobs.BlobClient ManifestBlob(RunContext run, StorageConnection connection) =>
        connection.TokenClient.GetBlobContainerClient(run.Options.Container).GetBlobClient(ReleaseManifest.BlobNameFor(run.Options.ReleaseVersion));
}
