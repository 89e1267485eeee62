using System.Text;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Tests.Push;

public sealed class BlockPlanTests
{
    private static Artifact Sample(long length, int blockSize, byte first = 1) =>
        new("/tmp/x", "x.bin", "1.0.0/x.bin", length)
        {
            Md5 = [first, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
            BlockSize = blockSize,
            BlockMd5s = Enumerable.Repeat(new byte[16], (int)Math.Max(1, (length + blockSize - 1) / blockSize)).ToList(),
        };

    [Fact]
    public void For_FileOfTwoAndAHalfBlocks_PlansThreeBlocksCoveringEveryByte()
    {
        var plan = BlockPlan.For(Sample(2560, 1024));

        Assert.Equal([(0L, 1024), (1024L, 1024), (2048L, 512)], plan.Blocks.Select(b => (b.Offset, b.Length)));
    }

    [Fact]
    public void For_SameContentTwice_GivesTheSameIds()
    {
        Assert.Equal(BlockPlan.For(Sample(5000, 1024)).BlockIds, BlockPlan.For(Sample(5000, 1024)).BlockIds);
    }

    [Fact]
    public void For_DifferentContent_GivesDifferentIds()
    {
        Assert.Empty(BlockPlan.For(Sample(5000, 1024)).BlockIds.Intersect(BlockPlan.For(Sample(5000, 1024, first: 9)).BlockIds));
    }

    [Fact]
    public void For_ManyBlocks_IdsAreUniqueBase64OfEqualLengthWithin64Bytes()
    {
        var plan = BlockPlan.For(Sample(1_000_000, 100));

        var ids = plan.BlockIds.ToList();
        Assert.Equal(10_000, ids.Distinct().Count());
        Assert.Single(ids.Select(i => i.Length).Distinct());
        Assert.All(ids, id => Assert.InRange(Convert.FromBase64String(id).Length, 1, 64));
        Assert.Equal("0102030405060708090A0B0C0D0E0F10-00000064-000042", Encoding.ASCII.GetString(Convert.FromBase64String(ids[42])));
    }

    [Fact]
    public void For_UnhashedArtifact_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => BlockPlan.For(new Artifact("/tmp/x", "x.bin", "1.0.0/x.bin", 10)));
    }

    [Fact]
    public void For_EmptyFile_PlansOneEmptyBlock()
    {
        var plan = BlockPlan.For(Sample(0, 1024));

        Assert.Equal(0, Assert.Single(plan.Blocks).Length);
    }

    [Fact]
    public void CommittedListProblem_ThePlanAsCommitted_IsNone()
    {
        var artifact = Sample(2560, 1024);

        Assert.Null(BlockPlan.CommittedListProblem(artifact.Md5, 2560, Committed(BlockPlan.For(artifact))));
        Assert.Null(BlockPlan.CommittedListProblem(artifact.Md5, 2560, []));
    }

    [Fact]
    public void CommittedListProblem_OtherContentReorderedOrShort_NamesTheFirstBlockThatDiffers()
    {
        var artifact = Sample(2560, 1024);
        var plan = Committed(BlockPlan.For(artifact));
        var other = Committed(BlockPlan.For(Sample(2560, 1024, first: 9)));

        Assert.StartsWith("has 3 committed blocks that are not the blocks a push of this content commits (block 0 has ID", BlockPlan.CommittedListProblem(artifact.Md5, 2560, other), StringComparison.Ordinal);
        Assert.Contains("(block 0 has ID", BlockPlan.CommittedListProblem(artifact.Md5, 2560, [plan[1], plan[0], plan[2]]), StringComparison.Ordinal);
        Assert.Equal("has committed blocks of 2048 bytes in all, not 2560", BlockPlan.CommittedListProblem(artifact.Md5, 2560, [plan[0], plan[1] with { Length = 1024 }]));
        Assert.Contains("(block 0 has ID 'not base64!'", BlockPlan.CommittedListProblem(artifact.Md5, 2560, [("not base64!", 2560)]), StringComparison.Ordinal);
    }

    private static List<(string Id, long Length)> Committed(BlockPlan plan) => plan.Blocks.Select(b => (b.Id, (long)b.Length)).ToList();
}
