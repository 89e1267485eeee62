using Azure.Storage.Blobs;
using ReleaseTargets.Emulator;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>What a build in a scratch folder published: an emulator started on that build's Azurite data, and its release container.</summary>
internal sealed class PublishedRelease : IAsyncDisposable
{
    private readonly AzuriteEmulator _emulator;

    private PublishedRelease(AzuriteEmulator emulator)
    {
        _emulator = emulator;
        Container = new BlobServiceClient(emulator.BlobServiceUri, emulator.CreateTokenCredential(), new BlobClientOptions { Transport = emulator.CreateTransport() })
            .GetBlobContainerClient("releases");
    }

    public BlobContainerClient Container { get; }

    /// <summary>Starts an emulator on the data the build in <paramref name="root"/> left in <c>.nuke/temp/azurite</c>.</summary>
    public static async Task<PublishedRelease> OpenAsync(string root) =>
        new(await AzuriteEmulator.StartAsync(new AzuriteOptions { StateDirectory = Path.Combine(root, ".nuke/temp/azurite") }, new CapturingLog(), TimeProvider.System));

    public async Task<ReleaseManifest> ManifestAsync(string version) =>
        ReleaseManifest.FromJson((await Container.GetBlobClient($"{version}/{ReleaseManifest.FileName}").DownloadContentAsync()).Value.Content.ToString())!;

    /// <summary>The manifest of <paramref name="version"/>, after checking it lists exactly <paramref name="names"/> and each blob is byte for byte the file in <paramref name="artifacts"/>.</summary>
    public async Task<ReleaseManifest> AssertPublishedAsync(string version, string artifacts, params string[] names)
    {
        var manifest = await ManifestAsync(version);
        Assert.Equal(names.Order(StringComparer.Ordinal), manifest.Artifacts.Select(a => a.Name).Order(StringComparer.Ordinal));
        foreach (var artifact in manifest.Artifacts)
        {
            var published = (await Container.GetBlobClient($"{version}/{artifact.Name}").DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(artifacts, artifact.Name)), published);
        }

        return manifest;
    }

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}
