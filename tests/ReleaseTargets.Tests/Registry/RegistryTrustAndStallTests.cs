using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Registry;

/// <summary>Trust at the boundaries (issue 21), registry side, against real loopback servers: silent, and untrusted TLS.</summary>
public sealed class RegistryTrustAndStallTests
{
    private static readonly PushRetryOptions Retry = new()
    {
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        PerTryTimeout = TimeSpan.FromSeconds(5),
        ResponseTimeout = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task A_registry_that_accepts_and_never_answers_fails_after_three_silent_tries_printing_each()
    {
        await using var endpoint = SilentEndpoint.HoldOpen();
        var log = new CapturingLog();
        using var publisher = new RegistryPublisher(endpoint.BaseUri, RegistryCredentials.Anonymous, Retry, TimeProvider.System, log, new Redactor());

        var error = await Assert.ThrowsAsync<RequestFailureException>(() => publisher.AuthenticateAsync(["team/app"], null, CancellationToken.None));

        Assert.Equal(FaultKind.Unresponsive, error.Kind);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, endpoint.Connections);
        Assert.Contains("the registry accepted the connection but sent no response within 1.0s (--response-timeout), 3 times in a row", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--max-retries", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, log.Lines.Count(l => l.Level == ReleaseLogLevel.Information && l.Message.StartsWith("Retrying after no response within 1.0s", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_registry_certificate_nobody_trusts_is_tried_once_and_named()
    {
        await using var endpoint = SilentEndpoint.UntrustedTls();
        var log = new CapturingLog();
        // A response timeout a loaded machine's first handshake cannot reach: this test is about the certificate.
        using var publisher = new RegistryPublisher(endpoint.BaseUri, RegistryCredentials.Anonymous, Retry with { ResponseTimeout = TimeSpan.FromSeconds(30), PerTryTimeout = TimeSpan.FromSeconds(60) }, TimeProvider.System, log, new Redactor());

        var error = await Assert.ThrowsAsync<RequestFailureException>(() => publisher.AuthenticateAsync(["team/app"], null, CancellationToken.None));

        Assert.Equal(FaultKind.CertificateRejected, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(1, endpoint.Connections);
        Assert.Contains("last error TLS certificate rejected: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot", error.Message, StringComparison.Ordinal);
        Assert.Contains("man in the middle", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--max-retries", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Retrying", log.Text, StringComparison.Ordinal);
    }
}
