using System.Text;

namespace ReleaseTargets.Push.Artifacts;

/// <summary>
/// How a file is cut into blocks, with deterministic block IDs: the same file and block size always give the same IDs,
/// so a re-run can ask the service which blocks it already has and send only the rest.
/// (The SDK's own UploadAsync uses random IDs since 12.30 and so cannot resume.)
/// </summary>
internal sealed class BlockPlan
{
    private BlockPlan(Artifact artifact, int blockSize, IReadOnlyList<PlannedBlock> blocks)
    {
        Artifact = artifact;
        BlockSize = blockSize;
        Blocks = blocks;
    }

    public Artifact Artifact { get; }

    public int BlockSize { get; }

    public IReadOnlyList<PlannedBlock> Blocks { get; }

    public IEnumerable<string> BlockIds => Blocks.Select(b => b.Id);

    /// <summary>The plan of a hashed artifact, at the block size it was hashed with.</summary>
    public static BlockPlan For(Artifact artifact)
    {
        if (artifact.Md5.Length == 0 || artifact.BlockSize < 1)
        {
            throw new ArgumentException("The artifact must be hashed before it is planned.", nameof(artifact));
        }

        var blockSize = artifact.BlockSize;
        // The whole content hash is part of every ID: a block staged for other content (an earlier build, a concurrent
        // push of other bytes) never matches.
        var content = Convert.ToHexString(artifact.Md5);
        var count = (int)Math.Max(1, (artifact.Length + blockSize - 1) / blockSize);
        if (artifact.BlockMd5s.Count != count)
        {
            throw new ArgumentException($"The artifact has {artifact.BlockMd5s.Count} block hashes for {count} blocks.", nameof(artifact));
        }

        var blocks = new PlannedBlock[count];
        for (var i = 0; i < count; i++)
        {
            var offset = (long)i * blockSize;
            var length = (int)Math.Min(blockSize, artifact.Length - offset);
            // Every ID of a blob must have the same length: fixed-width fields, base64 of 48 ASCII bytes (the limit is 64).
            var raw = $"{content}-{blockSize:x8}-{i:d6}";
            blocks[i] = new PlannedBlock(i, Convert.ToBase64String(Encoding.ASCII.GetBytes(raw)), offset, length, artifact.BlockMd5s[i]);
        }

        return new BlockPlan(artifact, blockSize, blocks);
    }

    /// <summary>
    /// Whether a committed block list is one a push of this content commits: every ID in the format <see cref="For"/> gives,
    /// naming this MD5, one block size, indices in order, and block lengths that add up to <paramref name="length"/>. A blob
    /// put in one request has no committed blocks, and there is nothing to compare (null).
    /// </summary>
    /// <returns>Null when the list matches (or is empty); else what differs, worded to follow the blob's name.</returns>
    public static string? CommittedListProblem(byte[] md5, long length, IReadOnlyList<(string Id, long Length)> committed)
    {
        if (committed.Count == 0)
        {
            return null;
        }

        var content = Convert.ToHexString(md5);
        long blockSize = -1;
        long total = 0;
        for (var i = 0; i < committed.Count; i++)
        {
            var (id, size) = committed[i];
            var parts = TryDecode(id)?.Split('-');
            var expectedSize = parts is [_, var bs, _] && long.TryParse(bs, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
            blockSize = i == 0 ? expectedSize : blockSize;
            var fits = parts is [var hex, _, var index] && hex == content && expectedSize == blockSize && blockSize > 0 && index == $"{i:d6}"
                && (i == committed.Count - 1 ? size > 0 && size <= blockSize : size == blockSize);
            if (!fits)
            {
                return $"has {committed.Count} committed blocks that are not the blocks a push of this content commits (block {i} has ID '{id}', {size} bytes)";
            }

            total += size;
        }

        return total == length ? null : $"has committed blocks of {total} bytes in all, not {length}";
    }

    private static string? TryDecode(string id)
    {
        var bytes = new byte[id.Length];
        return Convert.TryFromBase64String(id, bytes, out var written) ? Encoding.ASCII.GetString(bytes, 0, written) : null;
    }
}
