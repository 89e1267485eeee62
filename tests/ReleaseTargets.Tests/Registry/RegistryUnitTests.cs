using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Resilience;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.Registry;

namespace ReleaseTargets.Tests.Registry;

/// <summary>The registry classifier, challenge parser and layout reader, without a registry.</summary>
public sealed class RegistryUnitTests
{
    [Theory]
    [InlineData(401, null, false, false, FaultKind.CredentialExpired)]
    [InlineData(401, "UNAUTHORIZED", true, false, FaultKind.CredentialRejected)]
    [InlineData(403, "DENIED", false, false, FaultKind.CredentialRejected)]
    [InlineData(404, "BLOB_UPLOAD_UNKNOWN", false, false, FaultKind.Transient)]
    [InlineData(404, "BLOB_UPLOAD_INVALID", false, false, FaultKind.Transient)]
    [InlineData(404, null, false, true, FaultKind.Transient)]
    [InlineData(404, "MANIFEST_UNKNOWN", false, false, FaultKind.NotFound)]
    [InlineData(400, "DIGEST_INVALID", false, true, FaultKind.ContentCorrupted)]
    [InlineData(400, "MANIFEST_INVALID", false, false, FaultKind.Fatal)]
    [InlineData(408, null, false, false, FaultKind.Transient)]
    [InlineData(429, "TOOMANYREQUESTS", false, false, FaultKind.Transient)]
    [InlineData(500, null, false, false, FaultKind.Transient)]
    [InlineData(503, null, false, false, FaultKind.Transient)]
    [InlineData(501, null, false, false, FaultKind.Fatal)]
    public void Registry_answers_are_classified_by_status_and_code(int status, string? code, bool insufficientScope, bool isUpload, object expected) =>
        Assert.Equal((FaultKind)expected, RegistryFaultClassifier.ClassifyResponse(status, code, insufficientScope, isUpload));

    [Fact]
    public void A_bearer_challenge_gives_realm_service_and_scope()
    {
        var challenge = RegistryChallenge.Parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\",error=\"insufficient_scope\"")!;

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.example/token", challenge.Realm);
        Assert.Equal("registry.example", challenge.Service);
        Assert.Equal("repository:a/b:pull,push", challenge.Parameters["scope"]);
    }

    [Fact]
    public async Task A_layout_blob_that_does_not_match_its_digest_is_refused_naming_it_before_anything_is_sent()
    {
        var root = Directory.CreateTempSubdirectory("rt-layout-").FullName;
        await OciLayoutWriter.WriteAsync(root, seed: 50, 1000, 2000);
        var layer = Directory.GetFiles(Path.Combine(root, "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = await File.ReadAllBytesAsync(layer);
        bytes[10] ^= 0xFF;
        await File.WriteAllBytesAsync(layer, bytes);

        var refused = await Assert.ThrowsAsync<ReleaseTargetsException>(() => OciLayoutReader.ReadAsync(root, "app", CancellationToken.None));

        Assert.Contains($"blobs/sha256/{Path.GetFileName(layer)} does not match its digest", refused.Message, StringComparison.Ordinal);
        AzuriteFixture.DeleteDirectory(root);
    }

    [Fact]
    public async Task A_layout_reads_as_blobs_then_manifest_with_digests_checked()
    {
        var root = Directory.CreateTempSubdirectory("rt-layout-").FullName;
        var digest = await OciLayoutWriter.WriteAsync(root, seed: 51, 1000, 2000);

        var image = await OciLayoutReader.ReadAsync(root, "app", CancellationToken.None);

        Assert.Equal(digest, image.Root.Digest);
        Assert.Equal(3, image.Blobs.Count);
        Assert.Equal(3000 + image.Blobs.Single(b => b.Length is not (1000 or 2000)).Length, image.TotalBytes);
        AzuriteFixture.DeleteDirectory(root);
    }
}
