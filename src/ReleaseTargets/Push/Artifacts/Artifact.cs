namespace ReleaseTargets.Push.Artifacts;

/// <summary>One file to push: where it is, the blob it becomes, its size, content MD5 and SHA-256.</summary>
internal sealed record Artifact(string LocalPath, string RelativePath, string BlobName, long Length)
{
    /// <summary>MD5 of the whole file; filled in by <see cref="ArtifactSet.HashAsync"/>.</summary>
    public byte[] Md5 { get; init; } = [];

    /// <summary>The block size <see cref="BlockMd5s"/> were taken at.</summary>
    public int BlockSize { get; init; }

    /// <summary>MD5 of each block, from the same read as <see cref="Md5"/>: what every staged block must match.</summary>
    public IReadOnlyList<byte[]> BlockMd5s { get; init; } = [];

    /// <summary>SHA-256 of the whole file, from the same read as <see cref="Md5"/> (issue 22): what <c>SHA256SUMS</c> lists.</summary>
    public byte[] Sha256 { get; init; } = [];
}
