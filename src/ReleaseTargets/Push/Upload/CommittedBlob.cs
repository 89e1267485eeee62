namespace ReleaseTargets.Push.Upload;

/// <summary>A blob already committed under the release prefix, as a listing reports it.</summary>
internal sealed record CommittedBlob(long Length, byte[] Md5);
