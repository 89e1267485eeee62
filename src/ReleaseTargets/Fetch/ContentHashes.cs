using System.Security.Cryptography;

namespace ReleaseTargets.Fetch;

/// <summary>The MD5 and SHA-256 of every byte of a blob or file, hashed in order.</summary>
internal sealed record ContentHashes(byte[] Md5, byte[] Sha256)
{
    /// <summary>Base64, as the manifest and Content-MD5 write it.</summary>
    public string Md5Base64 => Convert.ToBase64String(Md5);

    /// <summary>Lowercase hex, as the manifest and <c>sha256sum</c> write it.</summary>
    public string Sha256Hex => Convert.ToHexStringLower(Sha256);

    /// <summary>Hashes a local file (one already in the destination), reading it once.</summary>
    public static async Task<ContentHashes> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            long offset = 0;
            int read;
            while ((read = await RandomAccess.ReadAsync(file, buffer, offset, cancellationToken)) > 0)
            {
                md5.AppendData(buffer, 0, read);
                sha256.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ContentHashes(md5.GetHashAndReset(), sha256.GetHashAndReset());
    }

    /// <summary>Why these hashes are not the ones <paramref name="md5"/> and <paramref name="sha256"/> (null: not recorded) expect; null when they match.</summary>
    public string? Mismatch(string md5, string? sha256)
    {
        var problems = new List<string>();
        if (!string.Equals(Md5Base64, md5, StringComparison.Ordinal))
        {
            problems.Add($"MD5 expected {md5}, got {Md5Base64}");
        }

        if (sha256 is not null && !string.Equals(Sha256Hex, sha256, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"SHA-256 expected {sha256.ToLowerInvariant()}, got {Sha256Hex}");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
