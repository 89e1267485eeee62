namespace ReleaseTargets.Registry.Layout;

/// <summary>One blob (layer or config) of an image: its digest, size, and where its bytes are (a file, or in memory).</summary>
internal sealed record OciBlob(string Digest, long Length, string? Path, byte[]? Content = null)
{
    /// <summary>Opens the bytes for reading from the start.</summary>
    public Stream Open() => Content is { } bytes ? new MemoryStream(bytes, writable: false) : File.OpenRead(Path!);
}
