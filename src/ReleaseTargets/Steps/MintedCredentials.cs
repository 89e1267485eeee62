using ReleaseTargets.Resilience;
using ReleaseTargets.Credentials;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Stages;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Steps;

/// <summary>
/// The SAS a push (or a seal) runs on, with the forecast it was sized to; it owns its issuing and renewing: renewals are
/// sized to the work still left.
/// </summary>
internal sealed class MintedCredentials(PushForecast forecast, RenewableSasCredential sas) : IDisposable
{
    public PushForecast Forecast { get; } = forecast;

    /// <summary>The SAS in use, renewed in place.</summary>
    public RenewableSasCredential Sas { get; } = sas;

    /// <summary>Mints a SAS sized to <paramref name="forecast"/> (the first one to <c>--sas-lifetime</c> when set) through the connection's token.</summary>
    /// <param name="permissions">Default: what a push needs (<see cref="UserDelegationSasIssuer.Permissions"/>); Verify and Fetch pass <see cref="UserDelegationSasIssuer.ReadPermissions"/>.</param>
    public static async Task<MintedCredentials> MintAsync(RunContext run, StorageConnection connection, PushForecast forecast, CancellationToken cancellationToken, Azure.Storage.Sas.BlobContainerSasPermissions permissions = UserDelegationSasIssuer.Permissions)
    {
        var sizing = new Sizing(run, new UserDelegationSasIssuer(connection.TokenClient, run.Options.Container, run.Redactor), forecast, permissions);
        var first = await connection.WithTokenAsync("Minting the user-delegation SAS", sizing.IssueFirstAsync, cancellationToken);
        run.Log.Information(first.Window.Describe());
        return new MintedCredentials(forecast, new RenewableSasCredential(first, sizing.IssueAsync, sizing.RemainingWork, sizing.Policy, !run.Options.DisableProactiveRenewal, run.Time, run.Log));
    }

    public void Dispose() => Sas.Dispose();

    /// <summary>How each SAS's window is chosen: the forecast for the first, the forecast of the remaining work for renewals.</summary>
    private sealed class Sizing(RunContext run, UserDelegationSasIssuer issuer, PushForecast forecast, Azure.Storage.Sas.BlobContainerSasPermissions permissions)
    {
        public SasLifetimePolicy Policy { get; } = new(run.Options.SasLimits, run.Options.Forecast);

        public async Task<IssuedSas> IssueFirstAsync(CancellationToken cancellationToken)
        {
            var now = run.Time.GetUtcNow();
            var window = run.Options.SasLifetime is { } fixedLifetime ? SasWindow.Fixed(now, fixedLifetime) : Policy.Choose(now, forecast);
            return await issuer.IssueAsync(window, permissions, cancellationToken);
        }

        public async Task<IssuedSas> IssueAsync(TimeSpan? remainingWork, CancellationToken cancellationToken)
        {
            var window = Policy.Choose(run.Time.GetUtcNow(), remainingWork is { } r ? forecast.ForRemaining(r) : forecast);
            return await issuer.IssueAsync(window, permissions, cancellationToken);
        }

        public TimeSpan RemainingWork(PushProgress progress) =>
            PushForecaster.ForecastRemaining(forecast, progress.TotalBytes, progress.RemainingBytes, progress.TransferredBytes, progress.Elapsed, run.Options.Forecast);
    }
}
