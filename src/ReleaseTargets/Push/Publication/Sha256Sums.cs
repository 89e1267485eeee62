using System.Text;
using Azure.Storage.Blobs;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// <c>&lt;version&gt;/SHA256SUMS</c> (issue 22): one line per artifact, <c>&lt;sha256 hex&gt;  &lt;name&gt;</c>, names relative to
/// the release folder in ordinal order — what <c>sha256sum -c SHA256SUMS</c> checks in a download of the release. Written
/// create-or-verify just before the manifest, so the manifest stays the last write and a visible release has its sums.
/// </summary>
internal sealed record Sha256Sums(string Text)
{
    public const string FileName = "SHA256SUMS";

    internal static readonly JsonCodec<Sha256Sums> Codec = new(s => BinaryData.FromString(s.Text), text => new Sha256Sums(text), "text/plain; charset=utf-8");

    public static string BlobNameFor(string version) => $"{version}/{FileName}";

    /// <summary>
    /// The sums of <paramref name="artifacts"/>, or null when any lacks a SHA-256 (recorded by a push before issue 22): a
    /// sums file that leaves out an artifact would pass <c>sha256sum -c</c> while checking only part of the release.
    /// </summary>
    public static Sha256Sums? For(IEnumerable<ArtifactContent> artifacts)
    {
        var text = new StringBuilder();
        foreach (var artifact in artifacts.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            if (artifact.Sha256 is not { Length: 64 } sha256)
            {
                return null;
            }

            // ArtifactNames refuses '\\' and control characters, the only ones sha256sum would need escaped.
            text.Append(sha256).Append("  ").Append(artifact.Name).Append('\n');
        }

        return new Sha256Sums(text.ToString());
    }

    /// <summary>
    /// Creates the release's sums file only if absent; the same file already there (a re-run) is a no-op, another one is
    /// refused like a different manifest, before the manifest is written. Without every SHA-256 no file is written.
    /// </summary>
    /// <returns>Where the sums file is, or null when none was written.</returns>
    public static async Task<Uri?> WriteAsync(BlobContainerClient container, PublicationStore store, string version, IEnumerable<ArtifactContent> artifacts, IReleaseLog log, CancellationToken cancellationToken)
    {
        var list = artifacts.ToList();
        if (For(list) is not { } sums)
        {
            var without = list.Where(a => a.Sha256 is null).Select(a => a.Name).ToList();
            log.Warning(
                $"Release '{version}' gets no {FileName}: {without.Count} artifact(s) ('{string.Join("', '", without.Take(3))}'{(without.Count > 3 ? ", …" : string.Empty)}) were recorded without a SHA-256 " +
                "(by a push older than this tool), and a partial file would check only part of the release. Re-push under a new --release-version to publish one.");
            return null;
        }

        var client = container.GetBlobClient(BlobNameFor(version));
        var written = await store.CreateOrVerifyAsync(client, $"Writing {FileName}", Codec, sums, stored => stored?.Text == sums.Text, cancellationToken);
        if (written.Verdict == Verdict.Different)
        {
            throw new ReleaseTargetsException(
                $"Release '{version}' already has a {FileName} that lists other content ({client.Uri}); the manifest was not written, so the release is not visible. " +
                "Published files are immutable: publish under a new --release-version, or delete that file if you know it is stale.");
        }

        return client.Uri;
    }
}
