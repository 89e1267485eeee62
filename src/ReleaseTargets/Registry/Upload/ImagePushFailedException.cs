using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Registry.Upload;

/// <summary>An image that could not be pushed, with its report line; no tag of it was written.</summary>
internal sealed class ImagePushFailedException(ImageResult result, Exception inner) : ReleaseTargetsException($"Pushing image '{result.Name}' to {result.Reference} failed: {inner.Message}", inner)
{
    public ImageResult Result { get; } = result;
}
