namespace ReleaseTargets.Fetch;

/// <summary>
/// The blob no longer has the ETag the fetch started with (412 on If-Match): it was replaced mid-fetch or since the partial
/// was written. A resumed partial starts over; a fresh fetch fails, since mixing two versions' bytes is never right.
/// </summary>
internal sealed class BlobChangedException(string name, Exception inner)
    : ReleaseTargetsException($"'{name}' changed on the server while it was being fetched (its ETag no longer matches): it was overwritten; re-run Fetch to get the current content, or check who rewrote the release.", inner)
{
}
