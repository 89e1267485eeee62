using System.Buffers;
using System.Runtime.CompilerServices;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Resilience;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Registry.Upload;

/// <summary>
/// Uploads one blob as a resumable chunked session. Each runner call advances the session by one request, chosen from
/// where the server says it stands: POST (or a cross-repository mount) to open it, GET for the server's <c>Range</c>
/// after any fault, PATCH the next chunk from that offset with <c>Content-Range</c>, PUT <c>?digest=</c> to close. So a
/// reset mid-PATCH resumes from the server's offset (never our own count), a 401 retries that same request with a fresh
/// token (the session survives), and a 404 <c>BLOB_UPLOAD_UNKNOWN</c> opens a new session for this blob only.
/// </summary>
internal sealed class OciBlobUploader(RegistryClient client, RequestRunner runner, PushProgress progress, int chunkSize)
{
    /// <summary>Uploads <paramref name="blob"/>; returns whether it was mounted instead of sent.</summary>
    /// <param name="mountFrom">A repository on the same registry to mount the blob from, or null.</param>
    /// <param name="retries">Counter for the image's retries.</param>
    public async Task<bool> UploadAsync(OciBlob blob, string? mountFrom, StrongBox<int> retries, CancellationToken cancellationToken)
    {
        var session = new Session { TryMount = mountFrom is not null };
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(chunkSize, Math.Max(1, blob.Length)));
        try
        {
            while (!session.Done)
            {
                await runner.RunAsync(
                    $"Uploading blob {blob.Digest} to {client.Describe()}",
                    ct => StepAsync(blob, mountFrom, session, buffer, ct),
                    cancellationToken,
                    retries,
                    isBlockStaging: true);
            }

            return session.Mounted;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task StepAsync(OciBlob blob, string? mountFrom, Session session, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            if (session.Location is null)
            {
                await OpenAsync(blob, mountFrom, session, cancellationToken);
            }
            else if (session.NeedsStatus)
            {
                (session.Location, session.Offset) = await client.GetUploadStatusAsync(session.Location, cancellationToken);
                session.NeedsStatus = false;
                Account(session, session.Offset);
            }
            else if (session.Offset < blob.Length)
            {
                await SendChunkAsync(blob, session, buffer, cancellationToken);
            }
            else
            {
                session.NeedsStatus = true;
                await client.CompleteUploadAsync(session.Location, blob.Digest, cancellationToken);
                session.Done = true;
            }
        }
        catch (Exception exception) when (RegistryFaultClassifier.RestartsSession(exception))
        {
            // The session is gone (expired, garbage-collected, or its state no longer matches): start this blob again.
            session.Location = null;
            Account(session, 0);
            throw;
        }
    }

    private async Task OpenAsync(OciBlob blob, string? mountFrom, Session session, CancellationToken cancellationToken)
    {
        if (session.TryMount)
        {
            session.TryMount = false;
            var opened = await client.MountAsync(blob.Digest, mountFrom!, cancellationToken);
            if (opened is null)
            {
                session.Mounted = session.Done = true;
                return;
            }

            session.Location = opened;
        }
        else
        {
            session.Location = await client.StartUploadAsync(cancellationToken);
        }

        session.Offset = 0;
        session.NeedsStatus = false;
        Account(session, 0);
    }

    private async Task SendChunkAsync(OciBlob blob, Session session, byte[] buffer, CancellationToken cancellationToken)
    {
        var count = (int)Math.Min(buffer.Length, blob.Length - session.Offset);
        await using (var stream = blob.Open())
        {
            stream.Seek(session.Offset, SeekOrigin.Begin);
            await stream.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken);
        }

        // Until the answer arrives the server's offset is unknown: a fault now means asking it first.
        session.NeedsStatus = true;
        progress.AddSent(count);
        (session.Location, var next) = await client.PatchAsync(session.Location!, buffer.AsMemory(0, count), session.Offset, cancellationToken);
        session.NeedsStatus = false;
        session.Offset = next > session.Offset ? next : session.Offset + count;
        Account(session, session.Offset);
    }

    /// <summary>Keeps progress at what the server holds for this blob, also when a restart takes it back to zero.</summary>
    private void Account(Session session, long held)
    {
        progress.AddDone(held - session.Counted);
        session.Counted = held;
    }

    private sealed class Session
    {
        public Uri? Location { get; set; }

        public long Offset { get; set; }

        public long Counted { get; set; }

        public bool NeedsStatus { get; set; }

        public bool TryMount { get; set; }

        public bool Mounted { get; set; }

        public bool Done { get; set; }
    }
}
