using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Push;

/// <summary>
/// Issue 23: hashing many small files must not allocate a buffer per file. A fresh 1 MiB array per file is a large-object
/// allocation; 200 of them cost a push 31 gen-2 collections (each stopping every thread) and 200 MiB of garbage. Measured
/// process-wide, so this runs alone (no other test allocating beside it).
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class HashingAllocationTests : IDisposable
{
    private const int Files = 64;
    private const int FileBytes = 1024 * 1024;
    private readonly string _directory = Directory.CreateTempSubdirectory("releasetargets-hash-alloc-").FullName;

    public void Dispose() => AzuriteFixture.DeleteDirectory(_directory);

    [Fact]
    public async Task HashAsync_ManyOneMiBFiles_AllocatesFarLessThanTheirBytes()
    {
        var bytes = new byte[FileBytes];
        for (var i = 0; i < Files; i++)
        {
            new Random(i).NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(_directory, $"f{i:00}.bin"), bytes);
        }

        var set = ArtifactSet.Discover(_directory, "**/*", "1.0.0");
        await set.HashAsync(8 * FileBytes); // warm-up: the pool's first buffers and the code paths
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var hashed = await set.HashAsync(8 * FileBytes);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(Files, hashed.Artifacts.Count);
        // 64 MiB of files; a buffer per file allocates all of it again. Pooled buffers leave per-file bookkeeping and the
        // pool's own misses: the shared pool keeps a few arrays per core, so two hashing workers of eight buffers may
        // allocate some again (8 MiB seen in CI).
        Assert.True(allocated < Files * FileBytes / 4, $"hashing {Files} × 1 MiB allocated {allocated / 1048576.0:0.0} MiB");
    }
}

/// <summary>Tests that measure the whole process's allocations run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation";
}
