using System.Runtime.CompilerServices;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Registry.Upload;

/// <summary>
/// Pushes one image (or OCI artifact) to one repository so that a tag is whole or absent: HEAD every blob (present ones
/// are skipped), upload the missing ones (a few at a time), write every manifest by digest (children before the index
/// that lists them; the registry checks that what each refers to is there), and only then write the tags.
/// </summary>
internal sealed class OciImagePusher(RegistryClient client, RequestRunner runner, PushProgress progress, TimeProvider timeProvider, int chunkSize, int concurrency)
{
    /// <param name="mountFrom">A repository of the same registry to mount blobs from, or null.</param>
    public async Task<ImageResult> PushAsync(OciImage image, IReadOnlyList<string> tags, string? mountFrom, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var retries = new StrongBox<int>();
        var sentBefore = progress.SentBytes;
        var reused = 0;
        try
        {
            var missing = new List<OciBlob>();
            foreach (var blob in image.Blobs)
            {
                var size = await runner.RunAsync($"Checking blob {blob.Digest} in {client.Describe()}", ct => client.HeadBlobAsync(blob.Digest, ct), cancellationToken, retries);
                if (size == blob.Length)
                {
                    progress.AddReused(blob.Length);
                    reused++;
                }
                else
                {
                    missing.Add(blob);
                }
            }

            var uploader = new OciBlobUploader(client, runner, progress, chunkSize);
            await Parallel.ForEachAsync(
                missing,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken },
                async (blob, ct) =>
                {
                    if (await uploader.UploadAsync(blob, mountFrom, retries, ct))
                    {
                        progress.AddReused(blob.Length);
                        Interlocked.Increment(ref reused);
                    }
                });

            foreach (var manifest in image.Manifests)
            {
                await runner.RunAsync($"Writing manifest {manifest.Digest} to {client.Describe()}", ct => client.PutManifestAsync(manifest.Digest, manifest, ct), cancellationToken, retries);
            }

            // The tags last: before this line no tag names the image, after it every tag names all of it.
            foreach (var tag in tags)
            {
                await runner.RunAsync($"Tagging {client.Describe(tag)}", ct => client.PutManifestAsync(tag, image.Root, ct), cancellationToken, retries);
            }

            return Result(image, tags, reused == image.Blobs.Count && progress.SentBytes == sentBefore ? ArtifactOutcome.Skipped : ArtifactOutcome.Uploaded, started, sentBefore, reused, retries.Value, error: null);
        }
        catch (Exception exception) when (exception is ReleaseTargetsException or OperationCanceledException)
        {
            var outcome = exception is OperationCanceledException ? ArtifactOutcome.Interrupted : ArtifactOutcome.Failed;
            var error = exception is OperationCanceledException ? "cancelled; no tag was written" : exception.Message;
            throw new ImagePushFailedException(Result(image, tags, outcome, started, sentBefore, reused, retries.Value, error), exception);
        }
    }

    private ImageResult Result(OciImage image, IReadOnlyList<string> tags, ArtifactOutcome outcome, long started, long sentBefore, int reused, int retries, string? error) =>
        new(image.Name, client.Describe(tags.Count > 0 ? tags[0] : image.Root.Digest), tags, image.Root.Digest, image.TotalBytes, outcome,
            timeProvider.GetElapsedTime(started), progress.SentBytes - sentBefore, image.Blobs.Count, reused, retries, error);
}
