using System.Text;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Publication;

/// <summary>The bytes a claim or manifest is uploaded as are exactly its JSON text in UTF-8, in an array of exactly that length.</summary>
public sealed class Utf8DocumentTests
{
    [Fact]
    public void Claim_WrittenByItsCodec_IsItsJsonTextInUtf8()
    {
        ArtifactContent[] artifacts = [.. Enumerable.Range(0, 2000).Select(i => new ArtifactContent($"dir/ä-{i}+x.bin", i, $"md5-{i}", i % 2 == 0 ? new string('a', 64) : null))];
        var claim = new ReleaseClaim("1.0", ReleaseClaim.DigestOf(artifacts), DateTimeOffset.UnixEpoch, "agent <pid 1>", artifacts) { Mode = ReleaseClaim.WholeMode };

        var bytes = ReleaseClaim.Codec.Write(claim).ToArray();

        Assert.Equal(Encoding.UTF8.GetBytes(claim.ToJson()), bytes);
        Assert.Equal(claim.Artifacts, ReleaseClaim.FromJson(Encoding.UTF8.GetString(bytes))!.Artifacts);
    }

    [Fact]
    public void Manifest_WrittenByItsCodec_IsItsJsonTextInUtf8()
    {
        var manifest = new ReleaseManifest(
            "2.0",
            DateTimeOffset.UnixEpoch,
            [.. Enumerable.Range(0, 500).Select(i => new ManifestArtifact($"f-{i}.bin", i, "AAAA", new Uri($"https://127.0.0.1:10000/devstoreaccount1/r/2.0/f-{i}.bin"), new string('b', 64)))],
            new Dictionary<string, double> { ["Push"] = 1.5 });

        Assert.Equal(Encoding.UTF8.GetBytes(manifest.ToJson()), ReleaseManifest.Codec.Write(manifest).ToArray());
    }
}
