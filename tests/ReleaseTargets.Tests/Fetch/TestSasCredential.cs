using Azure;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Tests.Fetch;

/// <summary>An <see cref="IPushCredential"/> over a real SAS that renews in place, reactively only, by minting another.</summary>
internal sealed class TestSasCredential(string initial, Func<Task<string>> mint) : IPushCredential
{
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private long _generation;
    private int _renewals;

    public AzureSasCredential Credential { get; } = new(initial);

    public long Generation => Interlocked.Read(ref _generation);

    public int Renewals => Volatile.Read(ref _renewals);

    public ValueTask BeforeRequestAsync(PushProgress progress, CancellationToken cancellationToken = default) => default;

    public async ValueTask RenewAfterRejectionAsync(long rejectedGeneration, CancellationToken cancellationToken = default)
    {
        await _renewing.WaitAsync(cancellationToken);
        try
        {
            if (Generation != rejectedGeneration)
            {
                return;
            }

            Credential.Update(await mint());
            Interlocked.Increment(ref _renewals);
            Interlocked.Increment(ref _generation);
        }
        finally
        {
            _renewing.Release();
        }
    }
}
