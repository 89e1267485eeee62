using System.Security.Cryptography;
using Azure.Storage.Blobs;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>
/// One sharded release against the collection's Azurite: a folder per shard (<c>&lt;root&gt;/&lt;shard&gt;/artifacts</c>, its
/// own state folder beside it), each pushed by a separate process (tests/ReleaseTargets.PushProcess), and a seal process.
/// </summary>
internal sealed class ShardedRelease(AzuriteFixture azurite) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rt-shard-").FullName;

    public string Version { get; } = "2.0." + Guid.NewGuid().ToString("N")[..8];

    public BlobContainerClient Direct => azurite.CreateTokenClient().GetBlobContainerClient("releases");

    public string ArtifactsOf(string shard) => Path.Combine(_root, shard, "artifacts");

    /// <summary>Writes the shard's files (replacing any earlier ones); the same name and length give the same bytes unless <paramref name="seed"/> differs.</summary>
    public void WriteShard(string shard, int seed, params (string Name, int Bytes)[] files)
    {
        var folder = ArtifactsOf(shard);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in files)
        {
            var content = new byte[bytes];
            new Random((seed * 7919) + bytes + name.Length).NextBytes(content);
            File.WriteAllBytes(Path.Combine(folder, name), content);
        }
    }

    /// <param name="folderOf">Push another shard's folder under this shard's name (a careless re-run).</param>
    public Task<PushProcess> StartPushAsync(string shard, Uri? dataUri = null, string? folderOf = null) =>
        PushProcess.StartAsync(azurite, dataUri ?? azurite.Emulator.BlobServiceUri, ArtifactsOf(folderOf ?? shard), Version, [$"--shard={shard}"]);

    /// <summary>A push without --shard of the given shard folder.</summary>
    public Task<PushProcess> StartWholePushAsync(string folderOf) =>
        PushProcess.StartAsync(azurite, azurite.Emulator.BlobServiceUri, ArtifactsOf(folderOf), Version, stateDirectory: Path.Combine(_root, "whole-state"));

    public async Task<(int Code, string Output)> PushAsync(string shard, Uri? dataUri = null, string? folderOf = null)
    {
        using var child = await StartPushAsync(shard, dataUri, folderOf);
        return (await child.WaitAsync(), child.Output);
    }

    public async Task<PushProcess> StartSealAsync(IEnumerable<string> shards, int timeoutSeconds)
    {
        var folder = Path.Combine(_root, "seal", "artifacts");
        Directory.CreateDirectory(folder);
        return await PushProcess.StartAsync(azurite, azurite.Emulator.BlobServiceUri, folder, Version, [$"--seal={string.Join(',', shards)}", $"--seal-timeout={timeoutSeconds}"]);
    }

    public async Task<(int Code, string Output)> SealAsync(IEnumerable<string> shards, int timeoutSeconds)
    {
        using var child = await StartSealAsync(shards, timeoutSeconds);
        return (await child.WaitAsync(), child.Output);
    }

    public async Task<bool> ManifestExistsAsync() => (await Direct.GetBlobClient(ReleaseManifest.BlobNameFor(Version)).ExistsAsync()).Value;

    /// <summary>
    /// The manifest lists exactly the files of <paramref name="shards"/>, and every listed blob, downloaded and hashed here,
    /// holds exactly its source file's bytes.
    /// </summary>
    public async Task AssertSealedExactlyAsync(params string[] shards)
    {
        var manifest = ReleaseManifest.FromJson((await Direct.GetBlobClient(ReleaseManifest.BlobNameFor(Version)).DownloadContentAsync()).Value.Content.ToString());
        Assert.NotNull(manifest);
        var sources = shards.SelectMany(s => Directory.GetFiles(ArtifactsOf(s)))
            .GroupBy(f => Path.GetFileName(f)).ToDictionary(g => g.Key, g => g.First());
        Assert.Equal(sources.Keys.Order(StringComparer.Ordinal), manifest.Artifacts.Select(a => a.Name));
        foreach (var artifact in manifest.Artifacts)
        {
            var stored = (await Direct.GetBlobClient($"{Version}/{artifact.Name}").DownloadContentAsync()).Value.Content.ToArray();
            var source = await File.ReadAllBytesAsync(sources[artifact.Name]);
            Assert.Equal(source, stored);
            Assert.Equal(Convert.ToBase64String(MD5.HashData(source)), artifact.Md5);
            Assert.Equal(source.Length, artifact.Size);
        }
    }

    public void Dispose() => AzuriteFixture.DeleteDirectory(_root);
}
