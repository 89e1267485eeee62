using System.Security.Authentication;
using Azure;
using Polly;
using Polly.Timeout;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Resilience;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Tests.Push;

/// <summary>The one transport rule, seen through both classifiers: certificate and silence first, by type only.</summary>
public sealed class TransportFaultsTests
{
    private static readonly AuthenticationException Untrusted = new("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot");

    // FaultKind is internal: the theory takes it as object (a public test method cannot name an internal type).
    public static TheoryData<Exception, object> Faults => new()
    {
        { new HttpRequestException("ssl", Untrusted), FaultKind.CertificateRejected },
        { new RequestFailedException("status 0", new HttpRequestException("ssl", Untrusted)), FaultKind.CertificateRejected },
        { new AggregateException(new RequestFailedException("status 0", new HttpRequestException("ssl", Untrusted))), FaultKind.CertificateRejected },
        // The same words without the type: a message is never read.
        { new HttpRequestException("The remote certificate is invalid: UntrustedRoot"), FaultKind.Transient },
        { new NoResponseException("127.0.0.1:1", TimeSpan.FromSeconds(30), new TaskCanceledException()), FaultKind.Unresponsive },
        { new RequestFailedException("wrapped", new NoResponseException("127.0.0.1:1", TimeSpan.FromSeconds(30))), FaultKind.Unresponsive },
        { new TimeoutRejectedException(), FaultKind.Transient },
        { new IOException("reset"), FaultKind.Transient },
        { new InvalidOperationException("bug"), FaultKind.Fatal },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Classify_TransportFaults_SameKindForStorageAndRegistry(Exception fault, object expectedKind)
    {
        var expected = (FaultKind)expectedKind;
        Assert.Equal(expected, StorageFaultClassifier.Classify(fault, isBlockStaging: true));
        Assert.Equal(expected, RegistryFaultClassifier.Classify(fault, isUpload: true));
    }

    [Fact]
    public void Describe_CertificateFault_NamesTheCertificateProblemOnOneLine()
    {
        var fault = new RequestFailedException("status 0", new HttpRequestException("ssl", new AuthenticationException("chain:\nUntrustedRoot\u001b[2J")));

        var storage = StorageFaultClassifier.Describe(fault);
        Assert.Equal("TLS certificate rejected: chain: UntrustedRoot?[2J", storage);
        Assert.Equal(storage, RegistryFaultClassifier.Describe(fault));
    }

    [Theory]
    [InlineData(FaultKind.Unresponsive)]
    [InlineData(FaultKind.CertificateRejected)]
    public void Describe_StallOrCertificate_NeverSuggestsMoreRetriesOrClaimsStagedBlocks(object faultKind)
    {
        var kind = (FaultKind)faultKind;
        Exception fault = kind == FaultKind.Unresponsive
            ? new NoResponseException("127.0.0.1:1", TimeSpan.FromSeconds(30))
            : new HttpRequestException("ssl", Untrusted);
        var options = new PushRetryOptions();

        var storage = RequestErrors.Describe(StorageFaultClassifier.Instance, "Pushing 'a.zip'", fault, kind, 3, options, "releases", TimeProvider.System, anythingStaged: false);
        var registry = RequestErrors.Describe(RegistryFaultClassifier.Instance, "Pushing 'app'", fault, kind, 3, options, "team/app", TimeProvider.System);

        foreach (var message in new[] { storage, registry })
        {
            Assert.DoesNotContain("--max-retries", message, StringComparison.Ordinal);
            Assert.DoesNotContain("already staged", message, StringComparison.Ordinal);
            Assert.Contains(kind == FaultKind.Unresponsive ? "sent no response within 30.0s (--response-timeout)" : "man in the middle", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Describe_TransientWithNothingStaged_DoesNotClaimResume()
    {
        var fault = new RequestFailedException(503, "busy", "ServerBusy", null);

        var fresh = RequestErrors.Describe(StorageFaultClassifier.Instance, "Listing", fault, FaultKind.Transient, 7, new PushRetryOptions(), "releases", TimeProvider.System, anythingStaged: false);
        var resumed = RequestErrors.Describe(StorageFaultClassifier.Instance, "Listing", fault, FaultKind.Transient, 7, new PushRetryOptions(), "releases", TimeProvider.System, anythingStaged: true);

        Assert.DoesNotContain("already staged", fresh, StringComparison.Ordinal);
        Assert.Contains("resumes from the blocks already staged", resumed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipeline_SilentEndpoint_IsRetriedOnlyUnresponsiveRetriesTimes()
    {
        var attempts = await CountAttemptsAsync(new NoResponseException("127.0.0.1:1", TimeSpan.FromSeconds(30)));

        Assert.Equal(1 + new PushRetryOptions().UnresponsiveRetries, attempts);
    }

    [Fact]
    public async Task Pipeline_RejectedCertificate_IsTriedOnce() =>
        Assert.Equal(1, await CountAttemptsAsync(new HttpRequestException("ssl", Untrusted)));

    [Fact]
    public async Task Pipeline_Reset_UsesTheWholeTransientBudget() =>
        Assert.Equal(1 + 6, await CountAttemptsAsync(new IOException("reset")));

    private static async Task<int> CountAttemptsAsync(Exception fault)
    {
        var options = new PushRetryOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };
        var pipeline = PushResiliencePipeline.Create(options, TimeProvider.System, NoRenewal.Instance, _ => { });
        var attempts = 0;
        await Assert.ThrowsAnyAsync<Exception>(async () => await pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw fault;
        }));
        return attempts;
    }

    [Theory]
    [InlineData("timeout", 0.02, ReleaseTargets.Diagnostics.ReleaseLogLevel.Information)]
    [InlineData("silence", 0.02, ReleaseTargets.Diagnostics.ReleaseLogLevel.Information)]
    [InlineData("reset", 5.0, ReleaseTargets.Diagnostics.ReleaseLogLevel.Information)]
    [InlineData("reset", 4.9, ReleaseTargets.Diagnostics.ReleaseLogLevel.Verbose)]
    public void RetryEvent_TimeoutsAndLongWaits_ArePrintedAtNormalVerbosity(string fault, double waitSeconds, ReleaseTargets.Diagnostics.ReleaseLogLevel expected)
    {
        Exception exception = fault switch
        {
            "timeout" => new TimeoutRejectedException(),
            "silence" => new NoResponseException("127.0.0.1:1", TimeSpan.FromSeconds(30)),
            _ => new IOException("reset"),
        };

        Assert.Equal(expected, new PushRetryEvent(exception, 2, TimeSpan.FromSeconds(waitSeconds), IsCredentialRenewal: false).Level);
    }

    [Fact]
    public void StopsThePush_SilenceOrCertificate_StopsEveryOtherArtifactToo()
    {
        Exception[] faults = [new NoResponseException("127.0.0.1:1", TimeSpan.FromSeconds(30)), new RequestFailedException("status 0", new HttpRequestException("ssl", Untrusted))];

        Assert.All(faults, f => Assert.True(StorageFaultClassifier.StopsThePush(f)));
        Assert.All(faults, f => Assert.True(RegistryFaultClassifier.StopsThePush(f)));
        Assert.False(StorageFaultClassifier.StopsThePush(new IOException("reset")));
    }

    [Fact]
    public void Describe_UnknownErrorWithAHugeMessage_KeepsAtMostMaxMessageLengthOfIt()
    {
        var fault = new RequestFailedException(400, "Evil\n::error title=pwned::x " + new string('A', 5000), "SomethingNew", null);

        var message = RequestErrors.Describe(StorageFaultClassifier.Instance, "Pushing 'a.zip'", fault, FaultKind.Fatal, 1, new PushRetryOptions(), "releases", TimeProvider.System);

        Assert.Contains(new string('A', 100), message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('A', ReleaseTargets.Diagnostics.ServerText.MaxMessageLength), message, StringComparison.Ordinal);
        Assert.Contains("…", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }
}
