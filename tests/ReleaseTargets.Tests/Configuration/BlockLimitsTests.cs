using ReleaseTargets.Configuration;

namespace ReleaseTargets.Tests.Configuration;

public sealed class BlockLimitsTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(0L, 8)]
    [InlineData(1L, 1)]
    [InlineData(50_000 * 8 * MiB, 8)]
    [InlineData(50_000 * MiB, 1)]
    [InlineData(50_000 * 1024 * MiB, 1024)]
    public void Problem_FitsIn50000Blocks_IsNull(long length, int blockSizeMiB)
    {
        Assert.Null(BlockLimits.Problem("app.zip", length, blockSizeMiB));
    }

    [Fact]
    public void Problem_OneByteOverTheLimit_NamesFileSizeAndTheSmallestBlockSizeThatFits()
    {
        Assert.Equal(
            "'dist/big.iso' (390.6 GiB, 419,430,400,001 bytes) needs 50,001 blocks of 8 MiB, more than the 50,000 a blob may have; pass --block-size-mi-b=9 or more.",
            BlockLimits.Problem("dist/big.iso", (50_000 * 8 * MiB) + 1, 8));
    }

    [Fact]
    public void Problem_TwoTiBAtTheDefaultBlockSize_Suggests42MiB()
    {
        Assert.Equal(
            "'disk.img' (2048.0 GiB, 2,199,023,255,552 bytes) needs 262,144 blocks of 8 MiB, more than the 50,000 a blob may have; pass --block-size-mi-b=42 or more.",
            BlockLimits.Problem("disk.img", 2L << 40, 8));
    }

    [Fact]
    public void Problem_ExactlyTheMostAt1024MiB_Suggests1024()
    {
        Assert.EndsWith("pass --block-size-mi-b=1024 or more.", BlockLimits.Problem("a.bin", 50_000 * 1024 * MiB, 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_LargerThan50000BlocksOf1024MiB_SaysItCannotBeOneBlob()
    {
        Assert.Equal(
            "'huge.img' (50000.0 GiB, 53,687,091,200,001 bytes) is larger than the service can hold as one blob at 1024 MiB blocks (50,000 blocks, 50000.0 GiB); split it into smaller artifacts.",
            BlockLimits.Problem("huge.img", (50_000 * 1024 * MiB) + 1, 8));
    }

    [Fact]
    public void ThrowIfAnyTooLarge_SeveralFiles_OneExceptionNamingEach()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() =>
            BlockLimits.ThrowIfAnyTooLarge([("a.bin", (50_000 * MiB) + 1), ("ok.txt", 10), ("b.bin", 3 * 50_000 * MiB)], 1));

        Assert.Equal(2, error.Problems.Count);
        Assert.StartsWith("'a.bin' (", error.Problems[0], StringComparison.Ordinal);
        Assert.EndsWith("--block-size-mi-b=2 or more.", error.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith("'b.bin' (", error.Problems[1], StringComparison.Ordinal);
        Assert.EndsWith("--block-size-mi-b=3 or more.", error.Problems[1], StringComparison.Ordinal);
    }
}
