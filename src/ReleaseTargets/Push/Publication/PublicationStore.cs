using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// How a publication document is written and read; <see cref="Read"/> gives null for an unreadable document. Documents are
/// JSON but for the plain-text <c>SHA256SUMS</c>, which says so with <see cref="ContentType"/>. <see cref="Write"/> gives
/// the bytes uploaded, so a large document need not exist as a string first (<see cref="Utf8Document"/>).
/// </summary>
internal sealed record JsonCodec<T>(Func<T, BinaryData> Write, Func<string, T?> Read, string ContentType = "application/json")
    where T : class;

/// <summary>A document as stored: its value (null when unreadable) and the ETag it was read at.</summary>
internal sealed record Stored<T>(T? Value, ETag ETag)
    where T : class;

/// <summary>How a create-or-verify ended.</summary>
internal enum Verdict
{
    /// <summary>This call created the document.</summary>
    Created,

    /// <summary>The document was already there, equal to this one: a re-run or a concurrent duplicate.</summary>
    Same,

    /// <summary>The document was already there with other content (or unreadable).</summary>
    Different,
}

/// <param name="Verdict">Whether this call wrote, found the same document or found another.</param>
/// <param name="Stored">What was found when it was not created (null when unreadable).</param>
/// <param name="ETag">The ETag of the document this call wrote; null when it wrote nothing.</param>
internal sealed record Verified<T>(Verdict Verdict, T? Stored, ETag? ETag)
    where T : class;

/// <summary>
/// The one way a publication document — a claim, a shard record, SHA256SUMS, the manifest, the shared stage history — is read and
/// written: every request through the run's <see cref="RequestRunner"/> (the one retry pipeline); created only if
/// absent (If-None-Match: *) or replaced only if unchanged (If-Match); a conflict is settled by reading what is there.
/// </summary>
internal sealed class PublicationStore(RequestRunner runner, StrongBox<int>? retries = null)
{
    /// <summary>Reads a document: null when absent (404); a stored value of null when it is there but unreadable.</summary>
    public async Task<Stored<T>?> ReadAsync<T>(BlobClient blob, string step, JsonCodec<T> codec, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var stored = await runner.RunAsync(step, async ct => (await blob.DownloadContentAsync(ct)).Value, cancellationToken, retries);
            return new Stored<T>(codec.Read(stored.Content.ToString()), stored.Details.ETag);
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates <paramref name="document"/> when <paramref name="ifMatch"/> is null — only if absent (If-None-Match: *) — or
    /// replaces the version read at <paramref name="ifMatch"/>. A conflict (409/412) ends as a
    /// <see cref="RequestFailureException"/> of kind <see cref="FaultKind.AlreadyExists"/>.
    /// </summary>
    /// <returns>The ETag of what was written.</returns>
    public async Task<ETag> WriteAsync<T>(BlobClient blob, string step, JsonCodec<T> codec, T document, ETag? ifMatch, CancellationToken cancellationToken)
        where T : class
    {
        var conditions = ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        var options = new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = codec.ContentType } };
        var json = codec.Write(document);
        var written = await runner.RunAsync(step, ct => blob.UploadAsync(json, options, ct), cancellationToken, retries);
        return written.Value.ETag;
    }

    /// <summary>
    /// Creates <paramref name="mine"/> only if absent; when a document is already there, reads it and compares it with
    /// <paramref name="same"/>: equal is this document (a re-run, a concurrent duplicate), anything else is
    /// <see cref="Verdict.Different"/> and nothing is overwritten.
    /// </summary>
    public async Task<Verified<T>> CreateOrVerifyAsync<T>(BlobClient blob, string step, JsonCodec<T> codec, T mine, Func<T?, bool> same, CancellationToken cancellationToken)
        where T : class
    {
        var found = (Verdict: Verdict.Created, Stored: (T?)null);
        var settled = await SettleAsync(blob, step, codec, readFirst: false, current =>
        {
            if (current is null)
            {
                return mine;
            }

            found = (same(current.Value) ? Verdict.Same : Verdict.Different, current.Value);
            return null;
        }, cancellationToken);
        return new Verified<T>(found.Verdict, found.Stored, settled);
    }

    /// <summary>
    /// The optimistic-concurrency loop: <paramref name="decide"/> sees the stored document (null: absent) and returns the
    /// document to write in its place — created if absent, else replaced If-Match what was read — or null to leave what is
    /// there (it may also throw to refuse). When another writer got in between (409/412) the document is read again and
    /// decided again. These turns are not retries of a fault — each one means another writer succeeded, so no backoff
    /// is needed and faults are retried by the runner's pipeline alone; the bound only stops a pathological race.
    /// </summary>
    /// <param name="readFirst">False when the document is most likely absent: the first turn tries to create it without reading.</param>
    /// <param name="maxTurns">How many writes a race may cost before the last conflict is thrown.</param>
    /// <returns>The ETag of what this call wrote; null when <paramref name="decide"/> left the stored document.</returns>
    public async Task<ETag?> SettleAsync<T>(BlobClient blob, string step, JsonCodec<T> codec, bool readFirst, Func<Stored<T>?, T?> decide, CancellationToken cancellationToken, int maxTurns = 5)
        where T : class
    {
        var assumeAbsent = !readFirst;
        for (var turn = 1; ; turn++)
        {
            var current = assumeAbsent ? null : await ReadAsync(blob, step, codec, cancellationToken);
            if (decide(current) is not { } next)
            {
                return null;
            }

            try
            {
                return await WriteAsync(blob, step, codec, next, current?.ETag, cancellationToken);
            }
            catch (RequestFailureException exception) when (exception.Kind == FaultKind.AlreadyExists && turn < maxTurns)
            {
                assumeAbsent = false;
            }
        }
    }
}
