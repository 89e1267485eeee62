using System.Security.Cryptography;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Faults;

/// <summary>
/// Several pushes of one version at once, each in its own process with its own state folder, against one storage: the
/// release is never torn. Different content: exactly one publishes, the others fail clearly and overwrite nothing.
/// Identical content: all succeed and there is one release.
/// </summary>
[Collection("Azurite")]
public sealed class ConcurrentPushTests(AzuriteFixture azurite)
{
    private const int Pushes = 3;

    [Fact]
    public async Task Push_ThreeProcessesDifferentContentOneVersion_ExactlyOnePublishesAndTheReleaseIsWhole()
    {
        for (var round = 0; round < 3; round++)
        {
            var version = $"race-{round}-{Guid.NewGuid():N}"[..20];
            var folders = Enumerable.Range(0, Pushes).Select(i => NewArtifacts(seed: (round * 10) + i)).ToList();
            try
            {
                var (codes, outputs) = await RunAllAsync(folders, version);

                var winner = Assert.Single(Enumerable.Range(0, Pushes), i => codes[i] == 0);
                Assert.All(Enumerable.Range(0, Pushes).Where(i => i != winner), i =>
                {
                    Assert.Equal(1, codes[i]);
                    Assert.Matches("is claimed by another push with different artifacts|is already published with different artifacts", outputs[i]);
                });
                await AssertPublishedExactlyAsync(version, folders[winner]);
            }
            finally
            {
                folders.ForEach(f => AzuriteFixture.DeleteDirectory(Path.GetDirectoryName(f)!));
            }
        }
    }

    [Fact]
    public async Task Push_ThreeProcessesIdenticalContentOneVersion_AllSucceedWithOneRelease()
    {
        var version = $"same-{Guid.NewGuid():N}"[..20];
        var folders = Enumerable.Range(0, Pushes).Select(_ => NewArtifacts(seed: 7)).ToList();
        try
        {
            var (codes, outputs) = await RunAllAsync(folders, version);

            Assert.All(Enumerable.Range(0, Pushes), i => Assert.True(codes[i] == 0, outputs[i]));
            await AssertPublishedExactlyAsync(version, folders[0]);
        }
        finally
        {
            folders.ForEach(f => AzuriteFixture.DeleteDirectory(Path.GetDirectoryName(f)!));
        }
    }

    /// <summary>A multi-block and a one-block artifact; the same seed gives the same bytes.</summary>
    private static string NewArtifacts(int seed)
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("rt-race-").FullName, "artifacts");
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        foreach (var (name, length) in new[] { ("app.bin", (3 * PushHarness.BlockSize) + 5), ("notes.txt", 300) })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }

        return folder;
    }

    private async Task<(int[] Codes, string[] Outputs)> RunAllAsync(List<string> folders, string version)
    {
        var children = new List<PushProcess>();
        try
        {
            foreach (var folder in folders)
            {
                children.Add(await PushProcess.StartAsync(azurite, azurite.Emulator.BlobServiceUri, folder, version));
            }

            var codes = await Task.WhenAll(children.Select(c => c.WaitAsync()));
            return (codes, children.Select(c => c.Output).ToArray());
        }
        finally
        {
            children.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The manifest lists exactly the winner's files, and every listed blob holds exactly the bytes it claims (read back and hashed).</summary>
    private async Task AssertPublishedExactlyAsync(string version, string winnerFolder)
    {
        var container = azurite.CreateTokenClient().GetBlobContainerClient("releases");
        var manifest = ReleaseManifest.FromJson((await container.GetBlobClient(ReleaseManifest.BlobNameFor(version)).DownloadContentAsync()).Value.Content.ToString());
        Assert.NotNull(manifest);
        Assert.Equal(["app.bin", "notes.txt"], manifest.Artifacts.Select(a => a.Name).Order());
        foreach (var artifact in manifest.Artifacts)
        {
            var stored = (await container.GetBlobClient($"{version}/{artifact.Name}").DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(artifact.Md5, Convert.ToBase64String(MD5.HashData(stored)));
            Assert.Equal(artifact.Size, stored.Length);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(winnerFolder, artifact.Name)), stored);
        }
    }
}
