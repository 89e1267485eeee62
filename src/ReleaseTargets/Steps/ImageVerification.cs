using Azure.Core;
using ReleaseTargets.Registry;
using ReleaseTargets.Verify;

namespace ReleaseTargets.Steps;

/// <summary>
/// Verify's registry half: every image the manifest records is checked on its registry with a pull-only session (each tag
/// resolves to the recorded digest, every blob it names is present). The registry is the recorded one over HTTPS, or
/// <c>--registry</c> when it names the same host; an image recorded on a loopback registry with no <c>--registry</c> was
/// pushed to the zero-configuration local registry, which is started again over this state folder's data to be checked.
/// </summary>
internal static class ImageVerification
{
    public static async Task<IReadOnlyList<VerifyFinding>> CheckAsync(RunContext run, IReadOnlyList<PublishedImage> images, Func<TokenCredential> token, CancellationToken cancellationToken)
    {
        var findings = new List<VerifyFinding>();
        LocalRegistry? local = null;
        try
        {
            foreach (var recorded in images.GroupBy(i => i.Registry, StringComparer.OrdinalIgnoreCase))
            {
                Uri registry;
                IReadOnlyList<PublishedImage> toCheck = recorded.ToList();
                if (run.Options.Registry is { } given && string.Equals(given.Authority, recorded.Key, StringComparison.OrdinalIgnoreCase))
                {
                    registry = given;
                }
                else if (run.Options.Registry is null && IsLoopback(recorded.Key))
                {
                    local ??= await LocalRegistry.StartAsync(run.Options.StateDirectory, run.Log, run.Time, cancellationToken);
                    registry = local.BaseUri;
                    toCheck = toCheck.Select(i => i with { Registry = local.BaseUri.Authority }).ToList();
                }
                else
                {
                    registry = new Uri("https://" + recorded.Key);
                }

                using var check = new PublishedImageCheck(registry, ReleaseImages.Credentials(registry, run.Environment, token), run.Retry, run.Time, run.Log, run.Redactor);
                findings.AddRange((await check.VerifyAsync(toCheck, cancellationToken)).Select(problem => new VerifyFinding("image:", problem)));
            }
        }
        finally
        {
            if (local is not null)
            {
                await local.DisposeAsync();
            }
        }

        return findings;
    }

    private static bool IsLoopback(string authority) =>
        Uri.TryCreate("https://" + authority, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
