using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ReleaseTargets.Registry.Layout;

/// <summary>sha256 digests: computing them, and checking the <c>sha256:&lt;64 hex&gt;</c> form (the only one pushed).</summary>
internal static partial class OciDigest
{
    public static string Of(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    public static bool IsValid(string? digest) => digest is not null && Pattern().IsMatch(digest);

    /// <summary>The hex part, which names the file under <c>blobs/sha256/</c>.</summary>
    public static string Hex(string digest) => digest["sha256:".Length..];

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex Pattern();
}
