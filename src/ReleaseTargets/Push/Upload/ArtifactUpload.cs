using System.Runtime.CompilerServices;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Push.Upload;

/// <summary>One artifact's upload in progress: what it is, and what it cost so far (kept when it fails).</summary>
internal sealed class ArtifactUpload(Artifact artifact, BlockPlan plan, BlockBlobClient client)
{
    private long _sent;

    public Artifact Artifact { get; } = artifact;

    public BlockPlan Plan { get; } = plan;

    public BlockBlobClient Client { get; } = client;

    public string Step { get; } = $"Pushing '{artifact.RelativePath}'";

    public StrongBox<int> Retries { get; } = new();

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The blob was already there with exactly this content (found by the create, not by the listing).</summary>
    public bool Existed { get; set; }

    public void AddSent(long bytes, PushProgress progress)
    {
        Interlocked.Add(ref _sent, bytes);
        progress.AddSent(bytes);
    }
}
