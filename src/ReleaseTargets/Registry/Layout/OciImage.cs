namespace ReleaseTargets.Registry.Layout;

/// <summary>
/// What one push to one repository sends: every blob, every manifest in the order they must be written (children before
/// the index that lists them), and the <see cref="Root"/> the tags point to, written last.
/// </summary>
/// <param name="Name">What the report calls it: the layout folder, or the artifact's name.</param>
/// <param name="Source">The layout folder or artifacts folder it was read from.</param>
internal sealed record OciImage(string Name, string Source, IReadOnlyList<OciBlob> Blobs, IReadOnlyList<OciManifest> Manifests)
{
    /// <summary>The manifest the tags point to: the last one.</summary>
    public OciManifest Root => Manifests[^1];

    /// <summary>Bytes of every distinct blob (manifests are small and not counted).</summary>
    public long TotalBytes => Blobs.Sum(b => b.Length);
}
