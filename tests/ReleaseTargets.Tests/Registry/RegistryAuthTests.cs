using ReleaseTargets.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Registry;

/// <summary>Authentication against a real docker-registry and the in-process token endpoint.</summary>
public sealed class RegistryAuthTests
{
    [Fact]
    public async Task The_acr_exchange_turns_the_entra_token_into_a_refresh_token_and_a_repository_scoped_access_token()
    {
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.Token);
        var root = Directory.CreateTempSubdirectory("rt-acr-").FullName;
        var digest = await OciLayoutWriter.WriteAsync(root, seed: 40, 20_000);
        var log = new CapturingLog();
        using var publisher = new RegistryPublisher(registry.BaseUri, new RegistryCredentials(entraCredential: new StaticEntraCredential()), new PushRetryOptions(), TimeProvider.System, log, new Redactor());

        await publisher.AuthenticateAsync(["team/app"], mountFrom: null, CancellationToken.None);
        var results = await publisher.PushAsync([new RegistryImage(await OciLayoutReader.ReadAsync(root, "app", CancellationToken.None), "team/app")], ["1.0.0"], new RegistryPushOptions { ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        Assert.Equal(ArtifactOutcome.Uploaded, Assert.Single(results).Outcome);
        Assert.Single(registry.Tokens!.RefreshTokens);
        Assert.Equal(1, registry.Tokens.Issued);
        Assert.Equal(["repository:team/app:pull,push"], registry.Tokens.Scopes.ToArray());
        Assert.DoesNotContain(TokenServer.EntraToken, log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(registry.Tokens.RefreshTokens.Single(), log.Text, StringComparison.Ordinal);
        Assert.Equal(digest, await Skopeo.DigestAsync(registry, "team/app", "1.0.0"));
        AzuriteFixture.DeleteDirectory(root);
    }

    [Fact]
    public async Task A_token_is_renewed_ahead_of_expiry_before_a_request_and_not_before()
    {
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.Token);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        using var authenticator = new RegistryAuthenticator(http, registry.BaseUri, ["repository:team/app:pull,push"], new RegistryCredentials(DockerRegistry.Username, DockerRegistry.Password), time, new CapturingLog(), new Redactor());
        await using var progress = new PushProgress(1, time, new CapturingLog(), TimeSpan.Zero);
        await authenticator.AuthenticateAsync(CancellationToken.None);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(5), authenticator.ExpiresOn);

        time.Advance(TimeSpan.FromMinutes(3.9));
        await authenticator.BeforeRequestAsync(progress);
        Assert.Equal(1, registry.Tokens!.Issued);

        time.Advance(TimeSpan.FromMinutes(0.2)); // less than a minute (a quarter of 5, capped at 1) left
        await authenticator.BeforeRequestAsync(progress);
        await authenticator.BeforeRequestAsync(progress);
        Assert.Equal(2, registry.Tokens.Issued);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(5), authenticator.ExpiresOn);
    }

    [Fact]
    public async Task A_token_endpoint_answering_503_is_retried_by_the_same_pipeline()
    {
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.Token);
        registry.Tokens!.FailNext = 2;
        using var publisher = new RegistryPublisher(registry.BaseUri, new RegistryCredentials(DockerRegistry.Username, DockerRegistry.Password), new PushRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10) }, TimeProvider.System, new CapturingLog(), new Redactor());

        await publisher.AuthenticateAsync(["team/app"], mountFrom: null, CancellationToken.None);

        Assert.Equal(1, registry.Tokens.Issued);
        Assert.True(registry.Tokens.FailNext < 0);
    }

    [Fact]
    public async Task Concurrent_401s_of_one_generation_renew_once()
    {
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.Token);
        using var http = new HttpClient();
        using var authenticator = new RegistryAuthenticator(http, registry.BaseUri, ["repository:team/app:pull,push"], new RegistryCredentials(DockerRegistry.Username, DockerRegistry.Password), TimeProvider.System, new CapturingLog(), new Redactor());
        await authenticator.AuthenticateAsync(CancellationToken.None);
        var generation = authenticator.Generation;

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => authenticator.RenewAfterRejectionAsync(generation).AsTask()));

        Assert.Equal(2, registry.Tokens!.Issued);
        Assert.Equal(1, authenticator.Renewals);
    }

    [Fact]
    public async Task Plain_files_are_pushed_as_an_oci_artifact_the_way_oras_does()
    {
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.None);
        var root = Directory.CreateTempSubdirectory("rt-files-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        await File.WriteAllTextAsync(Path.Combine(root, "app.nupkg"), "package bytes");
        await File.WriteAllTextAsync(Path.Combine(root, "docs", "notes.md"), "# notes");
        var artifact = await OciArtifactBuilder.BuildAsync("release", root, [Path.Combine(root, "app.nupkg"), Path.Combine(root, "docs", "notes.md")]);
        using var publisher = new RegistryPublisher(registry.BaseUri, RegistryCredentials.Anonymous, new PushRetryOptions(), TimeProvider.System, new CapturingLog(), new Redactor());

        var results = await publisher.PushAsync([new RegistryImage(artifact, "team/release")], ["1.0.0"], new RegistryPushOptions { ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        Assert.Equal(ArtifactOutcome.Uploaded, Assert.Single(results).Outcome);
        var manifest = JsonNode.Parse(await Skopeo.RawManifestAsync(registry, "team/release", "1.0.0"))!;
        Assert.Equal(OciMediaTypes.ReleaseArtifact, manifest["artifactType"]!.GetValue<string>());
        Assert.Equal(OciMediaTypes.Empty, manifest["config"]!["mediaType"]!.GetValue<string>());
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", manifest["config"]!["digest"]!.GetValue<string>());
        Assert.Equal(["app.nupkg", "docs/notes.md"], manifest["layers"]!.AsArray().Select(l => l!["annotations"]![OciMediaTypes.TitleAnnotation]!.GetValue<string>()));
        AzuriteFixture.DeleteDirectory(root);
    }

    private sealed class StaticEntraCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(TokenServer.EntraToken, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
