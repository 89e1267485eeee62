namespace ReleaseTargets.Registry;

/// <summary>How a registry push sends: chunk size, blobs in flight, progress, cross-repository mount, upload hosts.</summary>
internal sealed record RegistryPushOptions
{
    /// <summary>Bytes per PATCH (one buffer per blob in flight). Default: 8 MiB, as the block size of the blob push.</summary>
    public int ChunkSize { get; init; } = Configuration.ReleaseDefaults.BlockSizeMiB * 1024 * 1024;

    /// <summary>Blobs uploaded at once. Default: 4.</summary>
    public int Concurrency { get; init; } = RegistryDefaults.Concurrency;

    /// <summary>How often progress is printed; zero prints none.</summary>
    public TimeSpan ProgressInterval { get; init; } = Configuration.ReleaseDefaults.ProgressInterval;

    /// <summary>A repository of the same registry to mount missing blobs from before uploading them, or null.</summary>
    public string? MountFrom { get; init; }

    /// <summary>
    /// Hosts (<c>host</c> or <c>host:port</c>) other than the registry's own that its upload <c>Location</c>s may name; they get
    /// the uploads without credentials. Default: none — a <c>Location</c> on another host fails the push before anything is sent there.
    /// </summary>
    public IReadOnlyList<string> UploadHosts { get; init; } = [];
}
