using System.Security.Cryptography;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Tests.Push;

/// <summary>
/// The eight-lane MD5 (issue 23) must give exactly the library's MD5 for every message: every length around MD5's
/// padding boundaries (55, 56, 63, 64 bytes...), lanes of different lengths in one group, groups that are not full, and
/// messages of a block size in length. Any difference would make Azure refuse the Put Blob (or accept a wrong Content-MD5).
/// </summary>
public sealed class Md5LanesTests
{
    [Fact]
    public void Hash_EveryLengthAroundThePaddingBoundaries_MatchesTheLibrary()
    {
        var random = new Random(23);
        var messages = Enumerable.Range(0, 200).Select(length => Bytes(random, length)).ToList();

        var digests = Md5Lanes.Hash(messages.Select(m => (ReadOnlyMemory<byte>)m).ToList());

        for (var i = 0; i < messages.Count; i++)
        {
            Assert.True(MD5.HashData(messages[i]).AsSpan().SequenceEqual(digests[i]), $"MD5 of {messages[i].Length} bytes differs");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(17)]
    public void Hash_GroupsOfAnySizeWithMixedLengths_MatchTheLibrary(int count)
    {
        var random = new Random(count);
        var messages = Enumerable.Range(0, count).Select(i => Bytes(random, random.Next(0, 70_000))).ToList();

        var digests = Md5Lanes.Hash(messages.Select(m => (ReadOnlyMemory<byte>)m).ToList());

        Assert.Equal(messages.Select(MD5.HashData), digests);
    }

    [Fact]
    public void Hash_LargeEqualMessages_MatchTheLibrary()
    {
        var random = new Random(1);
        var messages = Enumerable.Range(0, 8).Select(_ => Bytes(random, 1024 * 1024)).ToList();

        var digests = Md5Lanes.Hash(messages.Select(m => (ReadOnlyMemory<byte>)m).ToList());

        Assert.Equal(messages.Select(MD5.HashData), digests);
    }

    [Fact]
    public void Hash_NoMessages_ReturnsNone() => Assert.Empty(Md5Lanes.Hash([]));

    [Fact]
    public void Hash_WithoutVectorLanes_GivesTheSameDigests()
    {
        // What a machine without 256-bit vectors (or with AVX2 switched off) runs: the library, message by message.
        var random = new Random(5);
        var messages = Enumerable.Range(0, 11).Select(i => (ReadOnlyMemory<byte>)Bytes(random, i * 37)).ToList();

        Assert.Equal(Md5Lanes.Hash(messages, lanes: true), Md5Lanes.Hash(messages, lanes: false));
        Assert.Equal(messages.Select(m => MD5.HashData(m.Span)), Md5Lanes.Hash(messages, lanes: false));
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
