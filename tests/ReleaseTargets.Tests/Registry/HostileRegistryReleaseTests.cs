using ReleaseTargets.Registry;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Registry;

/// <summary>A whole release (RefreshCredentials → Push on a real Azurite) against a registry that steers or echoes credentials.</summary>
[Collection("Azurite")]
public sealed class HostileRegistryReleaseTests(AzuriteFixture azurite)
{
    /// <summary>Seven characters, with a '+' that push-report.json would write as \u002B.</summary>
    private const string ShortPassword = "Zq7+xW2";

    [Fact]
    public async Task A_short_password_echoed_in_a_registry_error_never_reaches_the_log_the_exception_or_the_report()
    {
        await using var harness = await PushHarness.StartAsync(azurite, ("app.txt", 1000));
        await using var registry = await HostileRegistry.StartAsync(ShortPassword, bearer: false);
        registry.UploadAnswer = HostileRegistry.Answer.ErrorEchoingCredentials;
        await OciLayoutWriter.WriteAsync(Path.Combine(harness.ArtifactsDirectory, "web"), seed: 61, 1000);
        harness.Environment[ReleaseImages.UsernameVariable] = HostileRegistry.Username;
        harness.Environment[ReleaseImages.PasswordVariable] = ShortPassword;

        var failed = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => harness.PushAsync(harness.Options(o => o.Registry = registry.BaseUri)));

        var json = await File.ReadAllTextAsync(harness.ReportPath);
        var image = System.Text.Json.Nodes.JsonNode.Parse(json)!["images"]![0]!;
        // The echo did arrive and was reported, masked: the test would pass vacuously if the error never got that far.
        Assert.Equal("Failed", image["outcome"]!.GetValue<string>());
        Assert.Contains($"answered 400 {HostileRegistry.Username}/***", image["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var messages = string.Join("\n", Chain(failed).Select(e => e.Message));
        foreach (var output in new[] { harness.Log.Text, messages, json })
        {
            Assert.DoesNotContain(ShortPassword, output, StringComparison.Ordinal);
            Assert.DoesNotContain("Zq7\\u002BxW2", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_release_sends_uploads_to_a_host_named_in_registry_upload_hosts_without_credentials_and_refuses_it_otherwise()
    {
        await using var harness = await PushHarness.StartAsync(azurite, ("app.txt", 1000));
        await using var registry = await HostileRegistry.StartAsync("pw-" + Guid.NewGuid().ToString("N"), bearer: true);
        await OciLayoutWriter.WriteAsync(Path.Combine(harness.ArtifactsDirectory, "web"), seed: 62, 1000);
        harness.Environment[ReleaseImages.UsernameVariable] = HostileRegistry.Username;
        harness.Environment[ReleaseImages.PasswordVariable] = registry.Password;

        var refused = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => harness.PushAsync(harness.Options(o => o.Registry = registry.BaseUri)));

        Assert.Contains($"allow it with --registry-upload-hosts={registry.UploadHost}", refused.Message, StringComparison.Ordinal);
        Assert.Empty(registry.OnUploadHost);

        var report = await harness.PushAsync(harness.Options(o =>
        {
            o.Registry = registry.BaseUri;
            o.RegistryUploadHosts = registry.UploadHost;
        }));

        Assert.Equal(ArtifactOutcome.Uploaded, Assert.Single(report.Images!).Outcome);
        Assert.Contains(registry.OnUploadHost, r => r.Method == "PATCH");
        Assert.All(registry.OnUploadHost, r => Assert.Equal(string.Empty, r.Authorization));
        await harness.AssertManifestCompleteAsync("app.txt");
    }

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
        }
    }
}
