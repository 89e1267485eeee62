using System.Security.Cryptography;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Tests.Push;

/// <summary>
/// The hash pass every integrity guarantee rests on: the file's MD5, each block's MD5 and its SHA-256 (issue 22), from one
/// read. A one-block file is hashed once (issue 12) and its only block MD5 is its MD5; past one read buffer the hashes run
/// side by side.
/// </summary>
public sealed class ArtifactSetTests : IDisposable
{
    private const int BlockSize = 1024;
    private readonly string _directory = Directory.CreateTempSubdirectory("releasetargets-hash-").FullName;

    public void Dispose() => AzuriteFixture.DeleteDirectory(_directory);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(BlockSize - 1)]
    [InlineData(BlockSize)]
    public async Task HashAsync_OneBlockFile_BlockMd5IsTheFileMd5(int length)
    {
        var bytes = Write("one.bin", length, seed: length);

        var artifact = (await HashAsync()).Artifacts.Single();

        Assert.Equal(MD5.HashData(bytes), artifact.Md5);
        Assert.Equal([MD5.HashData(bytes)], artifact.BlockMd5s);
        Assert.Equal(length, artifact.Length);
    }

    [Theory]
    [InlineData(BlockSize + 1)]
    [InlineData((3 * BlockSize) + 512)]
    [InlineData(4 * BlockSize)]
    public async Task HashAsync_MultiBlockFile_EveryBlockAndTheWholeMatchTheBytes(int length)
    {
        var bytes = Write("multi.bin", length, seed: length);

        var artifact = (await HashAsync()).Artifacts.Single();

        Assert.Equal(MD5.HashData(bytes), artifact.Md5);
        var expected = bytes.Chunk(BlockSize).Select(MD5.HashData).ToList();
        Assert.Equal(expected, artifact.BlockMd5s);
    }

    [Fact]
    public async Task HashAsync_ManyFilesOfBothKinds_EachGetsItsOwnHashes()
    {
        var files = Enumerable.Range(0, 40).ToDictionary(i => $"f{i:00}.bin", i => Write($"f{i:00}.bin", (i % 2 == 0 ? 300 : 2500) + i, seed: i));

        var hashed = await HashAsync();

        Assert.Equal(40, hashed.Artifacts.Count);
        foreach (var artifact in hashed.Artifacts)
        {
            var bytes = files[artifact.RelativePath];
            Assert.Equal(MD5.HashData(bytes), artifact.Md5);
            Assert.Equal(bytes.Chunk(BlockSize).Select(MD5.HashData).DefaultIfEmpty(MD5.HashData(bytes)).ToList(), artifact.BlockMd5s);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(BlockSize)]
    [InlineData(BlockSize + 1)]
    [InlineData((3 * BlockSize) + 512)]
    public async Task HashAsync_AnyFile_Sha256IsTheFilesSha256FromTheSameRead(int length)
    {
        var bytes = Write("any.bin", length, seed: length);

        var artifact = (await HashAsync()).Artifacts.Single();

        Assert.Equal(SHA256.HashData(bytes), artifact.Sha256);
        Assert.Equal(MD5.HashData(bytes), artifact.Md5);
    }

    /// <summary>Past one 1 MiB read buffer the hashes run side by side on shared chunks: one block and many blocks.</summary>
    [Theory]
    [InlineData((5 << 20) + 3, 8 << 20)]
    [InlineData((5 << 20) + 3, 1 << 20)]
    [InlineData((3 << 20) + 777, 300_000)]
    public async Task HashAsync_FilePastOneReadBuffer_EveryHashMatchesTheBytes(int length, int blockSize)
    {
        var bytes = Write("big.bin", length, seed: length);

        var artifact = (await ArtifactSet.Discover(_directory, "**/*", "1.0.0").HashAsync(blockSize)).Artifacts.Single();

        Assert.Equal(SHA256.HashData(bytes), artifact.Sha256);
        Assert.Equal(MD5.HashData(bytes), artifact.Md5);
        var expected = length > blockSize ? bytes.Chunk(blockSize).Select(MD5.HashData).ToList() : [MD5.HashData(bytes)];
        Assert.Equal(expected, artifact.BlockMd5s);
    }

    [Fact]
    public async Task HashAsync_SmallFileGrewPastItsBlockSinceDiscovery_IsHashedAsTheMultiBlockFileItIsNow()
    {
        // Discovered small (batched with the other small files), grown before hashing: hashed by what it holds now.
        Write("a.bin", 100, seed: 1);
        Write("grows.bin", 200, seed: 2);
        var discovered = ArtifactSet.Discover(_directory, "**/*", "1.0.0");
        var grown = Write("grows.bin", (2 * BlockSize) + 7, seed: 3);

        var artifact = (await discovered.HashAsync(BlockSize)).Artifacts.Single(a => a.RelativePath == "grows.bin");

        Assert.Equal(grown.Length, artifact.Length);
        Assert.Equal(MD5.HashData(grown), artifact.Md5);
        Assert.Equal(grown.Chunk(BlockSize).Select(MD5.HashData), artifact.BlockMd5s);
        Assert.Equal(SHA256.HashData(grown), artifact.Sha256);
    }

    [Fact]
    public async Task HashAsync_ManySmallFilesOfManySizes_EachGetsTheLibrarysMd5AndSha256()
    {
        // More files than one group of MD5 lanes, of different sizes, so groups mix lengths and the last is not full.
        var files = Enumerable.Range(0, 21).ToDictionary(i => $"s{i:00}.bin", i => Write($"s{i:00}.bin", (i * 47) % (BlockSize + 1), seed: 100 + i));

        var hashed = await HashAsync();

        Assert.All(hashed.Artifacts, a =>
        {
            Assert.Equal(MD5.HashData(files[a.RelativePath]), a.Md5);
            Assert.Equal([MD5.HashData(files[a.RelativePath])], a.BlockMd5s);
            Assert.Equal(SHA256.HashData(files[a.RelativePath]), a.Sha256);
        });
    }

    private byte[] Write(string name, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(_directory, name), bytes);
        return bytes;
    }

    private Task<ArtifactSet> HashAsync() => ArtifactSet.Discover(_directory, "**/*", "1.0.0").HashAsync(BlockSize);
}
