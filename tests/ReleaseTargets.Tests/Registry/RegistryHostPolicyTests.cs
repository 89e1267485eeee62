using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Registry;

/// <summary>
/// Where a push sends credentials, against a registry that tries to steer it elsewhere (issue 21): the registry on
/// 127.0.0.1 names an upload <c>Location</c>, a redirect or a token realm on 127.0.0.2, which logs every request.
/// </summary>
public sealed class RegistryHostPolicyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upload_location_on_another_host_gets_nothing_and_the_push_fails_naming_the_host_and_the_parameter(bool bearer)
    {
        await using var registry = await HostileRegistry.StartAsync("pw-" + Guid.NewGuid().ToString("N"), bearer);

        var result = await PushAsync(registry, uploadHosts: []);

        Assert.Equal(ArtifactOutcome.Failed, result.Outcome);
        Assert.Contains($"on another host, '{registry.UploadHost}' (http): nothing was sent there", result.Error, StringComparison.Ordinal);
        Assert.Contains($"--registry-upload-hosts={registry.UploadHost}", result.Error, StringComparison.Ordinal);
        Assert.Empty(registry.OnUploadHost);
        // The credential did go where it belongs: the registry's own POST that named the Location carried it.
        Assert.Contains(registry.Requests, r => r.Method == "POST" && r.Host != registry.UploadHost && r.Authorization.Length > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_the_upload_host_allowed_the_upload_goes_there_without_credentials(bool bearer)
    {
        await using var registry = await HostileRegistry.StartAsync("pw-" + Guid.NewGuid().ToString("N"), bearer);

        var result = await PushAsync(registry, uploadHosts: [registry.UploadHost]);

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        var uploads = registry.OnUploadHost.ToList();
        Assert.Contains(uploads, r => r.Method == "PATCH");
        Assert.Contains(uploads, r => r.Method == "PUT" && r.PathAndQuery.Contains("digest=sha256", StringComparison.Ordinal));
        Assert.All(uploads, r => Assert.Equal(string.Empty, r.Authorization));
        // Back on the registry, the manifests still carry the credential.
        Assert.All(registry.Requests.Where(r => r.Method == "PUT" && r.PathAndQuery.Contains("/manifests/", StringComparison.Ordinal)), r => Assert.NotEqual(string.Empty, r.Authorization));
    }

    [Fact]
    public async Task A_redirect_from_the_registry_is_not_followed()
    {
        await using var registry = await HostileRegistry.StartAsync("pw-" + Guid.NewGuid().ToString("N"), bearer: false);
        registry.UploadAnswer = HostileRegistry.Answer.RedirectToUploadHost;

        var result = await PushAsync(registry, uploadHosts: [registry.UploadHost]);

        Assert.Equal(ArtifactOutcome.Failed, result.Outcome);
        Assert.Contains("answered 307", result.Error, StringComparison.Ordinal);
        Assert.Empty(registry.OnUploadHost);
    }

    [Fact]
    public void A_transport_that_follows_redirects_is_refused()
    {
        var refused = Assert.Throws<ArgumentException>(() => new RegistryPublisher(new Uri("http://127.0.0.1:5000"), RegistryCredentials.Anonymous, new PushRetryOptions(), TimeProvider.System, new CapturingLog(), new Redactor(), new SocketsHttpHandler()));

        Assert.Contains("AllowAutoRedirect = false", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_http_token_realm_on_another_host_gets_no_credentials()
    {
        await using var registry = await HostileRegistry.StartAsync("pw-" + Guid.NewGuid().ToString("N"), bearer: true);
        registry.RealmOnUploadHost = true;
        using var publisher = new RegistryPublisher(registry.BaseUri, new RegistryCredentials(HostileRegistry.Username, registry.Password), Retry, TimeProvider.System, new CapturingLog(), new Redactor());

        var refused = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => publisher.AuthenticateAsync(["team/app"], mountFrom: null, CancellationToken.None));

        Assert.Contains($"the token endpoint http://{registry.UploadHost}/token, plain http on another host than the registry's: refusing to send the registry credentials there", refused.Message, StringComparison.Ordinal);
        Assert.Empty(registry.OnUploadHost);
    }

    [Theory]
    [InlineData("https://registry.example", "https://registry.example:443/v2/x", true)]
    [InlineData("https://registry.example", "https://REGISTRY.example/v2/x", true)]
    [InlineData("https://registry.example", "http://registry.example/v2/x", false)]
    [InlineData("https://registry.example", "https://registry.example:8443/v2/x", false)]
    [InlineData("https://registry.example", "https://uploads.registry.example/v2/x", false)]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.2:5000/v2/x", false)]
    public void Only_the_registrys_own_scheme_host_and_port_is_the_registry(string registry, string url, bool expected) =>
        Assert.Equal(expected, new RegistryHostPolicy(new Uri(registry)).IsRegistry(new Uri(url)));

    [Fact]
    public void A_plain_http_location_off_loopback_is_refused_even_when_its_host_is_allowed()
    {
        var hosts = new RegistryHostPolicy(new Uri("https://registry.example"), ["uploads.example"]);

        Assert.Equal(new Uri("https://uploads.example:9000/u/1"), hosts.CheckHandedBack(new Uri("https://uploads.example:9000/u/1"), "a Location"));
        var refused = Assert.Throws<ReleaseTargetsException>(() => hosts.CheckHandedBack(new Uri("http://uploads.example/u/1"), "a Location"));
        Assert.Contains("on plain http to 'uploads.example'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_with_a_port_allows_only_that_port()
    {
        var hosts = new RegistryHostPolicy(new Uri("https://registry.example"), ["uploads.example:9000"]);

        Assert.Throws<ReleaseTargetsException>(() => hosts.CheckHandedBack(new Uri("https://uploads.example/u/1"), "a Location"));
        Assert.NotNull(hosts.CheckHandedBack(new Uri("https://uploads.example:9000/u/1"), "a Location"));
    }

    [Theory]
    [InlineData("https://registry.example", "https://auth.example/token", true, true)]
    [InlineData("https://registry.example", "http://auth.example/token", false, false)]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5001/token", true, true)]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.2:5001/token", true, false)]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.2:5001/token", false, true)]
    [InlineData("https://registry.example", "ftp://registry.example/token", false, false)]
    public void A_token_realm_is_https_or_loopback_http_and_gets_credentials_over_http_only_on_the_registrys_host(string registry, string realm, bool sendsCredentials, bool accepted)
    {
        var hosts = new RegistryHostPolicy(new Uri(registry));

        if (accepted)
        {
            Assert.Equal(new Uri(realm), hosts.CheckRealm(realm, sendsCredentials));
        }
        else
        {
            Assert.Throws<ReleaseTargetsException>(() => hosts.CheckRealm(realm, sendsCredentials));
        }
    }

    private static PushRetryOptions Retry => new() { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), MaxRetries = 1 };

    private static async Task<ImageResult> PushAsync(HostileRegistry registry, IReadOnlyList<string> uploadHosts)
    {
        var root = Directory.CreateTempSubdirectory("rt-hostile-").FullName;
        try
        {
            await OciLayoutWriter.WriteAsync(root, seed: 60, 3000);
            using var publisher = new RegistryPublisher(registry.BaseUri, new RegistryCredentials(HostileRegistry.Username, registry.Password), Retry, TimeProvider.System, new CapturingLog(), new Redactor());
            await publisher.AuthenticateAsync(["team/app"], mountFrom: null, CancellationToken.None);
            var image = await OciLayoutReader.ReadAsync(root, "app", CancellationToken.None);
            var options = new RegistryPushOptions { ChunkSize = 1024, Concurrency = 1, ProgressInterval = TimeSpan.Zero, UploadHosts = uploadHosts };
            return Assert.Single(await publisher.PushAsync([new RegistryImage(image, "team/app")], ["1.0.0"], options, CancellationToken.None));
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(root);
        }
    }
}
