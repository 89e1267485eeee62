using System.Text;
using System.Text.Json.Nodes;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.Registry;
using Served = ReleaseTargets.Tests.Infrastructure.Registry.HostileRegistry.ServedManifest;

namespace ReleaseTargets.Tests.Registry;

/// <summary>Verify for images against a registry that serves what it likes (<see cref="HostileRegistry"/>, basic auth).</summary>
public sealed class PublishedImageCheckHostileTests
{
    private static readonly string Config = OciDigest.Of("{}"u8.ToArray());
    private static readonly string Layer = OciDigest.Of("layer"u8.ToArray());

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task VerifyAsync_ManifestLargerThanTheBound_IsAProblemNotACrash(bool declareLength)
    {
        await using var registry = await StartAsync();
        // A well-formed manifest whose blobs are all there: only its size is wrong, so a check without the bound passes it.
        var (big, digest) = Manifest(pad: new string('x', RegistryDefaults.MaxManifestBytes));
        registry.Manifests["1.0.0"] = registry.Manifests[digest] = new Served(big, OciMediaTypes.ImageManifest, digest, declareLength);
        var log = new CapturingLog();

        var problems = await VerifyAsync(registry, log, Image(digest));

        Assert.Equal(2, problems.Count); // the tag, then the digest
        Assert.All(problems, p => Assert.Contains($"larger than the {RegistryDefaults.MaxManifestBytes} bytes a manifest may have", p, StringComparison.Ordinal));
        Assert.Contains(declareLength ? $"({big.Length} bytes declared): not read" : "reading stopped there", problems[0], StringComparison.Ordinal);
        Assert.Contains(":1.0.0: the manifest could not be read", problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_OtherBytesUnderTheRecordedDigestHeader_AreCaughtByHashingThem()
    {
        await using var registry = await StartAsync();
        var (recorded, digest) = Manifest();
        var (other, otherDigest) = Manifest(pad: "swapped");
        // The header claims the recorded digest; only the bytes tell.
        registry.Manifests["1.0.0"] = registry.Manifests[digest] = new Served(other, OciMediaTypes.ImageManifest, digest);
        Assert.NotEqual(recorded, other);

        var problems = await VerifyAsync(registry, new CapturingLog(), Image(digest));

        var at = $"Image 'app', {registry.BaseUri.Authority}/team/app";
        Assert.Equal(
            [
                $"{at}:1.0.0: the tag resolves to {otherDigest}, not the recorded {digest}: it was moved or overwritten after the release (the registry's Docker-Content-Digest says {digest}).",
                $"{at}@{digest}: the registry serves other bytes under this digest: they hash to {otherDigest} (the registry's Docker-Content-Digest says {digest}); the manifest published is not there.",
            ],
            problems.ToArray());
    }

    [Fact]
    public async Task VerifyAsync_IndexIsFollowedToEveryChildManifestAndItsBlobs()
    {
        await using var registry = await StartAsync();
        var (child, childDigest) = Manifest(layer: OciDigest.Of("absent"u8.ToArray()));
        var index = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageIndex,
            ["manifests"] = new JsonArray(new JsonObject { ["mediaType"] = OciMediaTypes.ImageManifest, ["digest"] = childDigest, ["size"] = child.Length }),
        }.ToJsonString());
        var indexDigest = OciDigest.Of(index);
        registry.Manifests["1.0.0"] = registry.Manifests[indexDigest] = new Served(index, OciMediaTypes.ImageIndex, indexDigest);
        registry.Manifests[childDigest] = new Served(child, OciMediaTypes.ImageManifest, childDigest);

        var problem = Assert.Single(await VerifyAsync(registry, new CapturingLog(), Image(indexDigest)));

        Assert.Contains($"@{childDigest}: blob {OciDigest.Of("absent"u8.ToArray())} (5 bytes, named by manifest {childDigest}) is missing", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_PasswordEchoedInServedManifest_IsMaskedInProblemsAndLog()
    {
        await using var registry = await StartAsync();
        var (manifest, digest) = Manifest(mediaType: $"{HostileRegistry.Username}/{registry.Password}");
        registry.Manifests["1.0.0"] = registry.Manifests[digest] = new Served(manifest, "application/json", digest);
        var log = new CapturingLog();

        var problem = Assert.Single(await VerifyAsync(registry, log, Image(digest)));

        // The echo did reach the problem, masked: the test would pass vacuously if it never got that far.
        Assert.Contains($"has media type '{HostileRegistry.Username}/***'", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(registry.Password, problem + log.Text, StringComparison.Ordinal);
        Assert.Contains(registry.Requests, r => r.Authorization.StartsWith("Basic ", StringComparison.Ordinal) && r.PathAndQuery.Contains("/manifests/", StringComparison.Ordinal));
    }

    private static async Task<HostileRegistry> StartAsync()
    {
        var registry = await HostileRegistry.StartAsync("pw-" + Guid.NewGuid().ToString("N")[..10], bearer: false);
        registry.AddBlob(Config);
        registry.AddBlob(Layer);
        return registry;
    }

    private static PublishedImage Image(string digest) => new("app", "127.0.0.1:" + "0", "team/app", ["1.0.0"], digest);

    private static async Task<IReadOnlyList<string>> VerifyAsync(HostileRegistry registry, CapturingLog log, PublishedImage image)
    {
        var retry = new PushRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) };
        using var check = new PublishedImageCheck(registry.BaseUri, new RegistryCredentials(HostileRegistry.Username, registry.Password), retry, TimeProvider.System, log, new Redactor());
        return await check.VerifyAsync([image with { Registry = registry.BaseUri.Authority }], CancellationToken.None);
    }

    private static (byte[] Content, string Digest) Manifest(string pad = "", string mediaType = OciMediaTypes.ImageManifest, string? layer = null)
    {
        var content = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Config, ["size"] = 2 },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = OciMediaTypes.FileLayer, ["digest"] = layer ?? Layer, ["size"] = 5 }),
            ["annotations"] = new JsonObject { ["pad"] = pad },
        }.ToJsonString());
        return (content, OciDigest.Of(content));
    }
}
