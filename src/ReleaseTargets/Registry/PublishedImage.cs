using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Registry;

/// <summary>What a release manifest records per image pushed: enough to check it later against the registry.</summary>
/// <param name="Name">The layout folder (or artifact name) it came from.</param>
/// <param name="Registry">The registry's authority as pushed: <c>ghcr.io</c>, <c>127.0.0.1:5000</c>.</param>
/// <param name="Repository">The repository: <c>team/app</c>.</param>
/// <param name="Tags">Every tag written.</param>
/// <param name="Digest">The manifest (or index) digest every tag points to.</param>
internal sealed record PublishedImage(string Name, string Registry, string Repository, IReadOnlyList<string> Tags, string Digest)
{
    /// <summary>The record of a pushed image; only an image that was pushed (or already there) is published.</summary>
    public static PublishedImage From(ImageResult result, Uri registry, string repository) =>
        result.Outcome is ArtifactOutcome.Uploaded or ArtifactOutcome.Resumed or ArtifactOutcome.Skipped
            ? new PublishedImage(result.Name, registry.Authority, repository, result.Tags, result.Digest)
            : throw new ArgumentException($"The image '{result.Name}' was not published ({result.Outcome}): only an uploaded or skipped image is recorded.", nameof(result));

    /// <summary>"127.0.0.1:5000/team/app:1.0.0", or "…@sha256:…" for a digest.</summary>
    public string Describe(string reference) =>
        $"{Registry}/{Repository}{(reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":")}{reference}";
}
