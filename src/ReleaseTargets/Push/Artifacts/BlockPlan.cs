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
}
