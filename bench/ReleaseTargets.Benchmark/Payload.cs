namespace ReleaseTargets.Benchmark;

/// <summary>A folder of seeded random files (incompressible, reproducible) and the blob names they go to.</summary>
internal sealed class Payload
{
    private Payload(string directory, IReadOnlyList<string> files)
    {
        Directory = directory;
        Files = files;
        TotalBytes = files.Sum(f => new FileInfo(f).Length);
    }

    public string Directory { get; }

    public IReadOnlyList<string> Files { get; }

    public long TotalBytes { get; }

    public double MiB => TotalBytes / (1024d * 1024d);

    public static async Task<Payload> CreateAsync(string directory, string prefix, int count, long bytesEach, int seed)
    {
        System.IO.Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var buffer = new byte[(int)Math.Min(bytesEach, 4 * 1024 * 1024)];
        var files = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(directory, count == 1 ? $"{prefix}.bin" : $"{prefix}-{i:000}.bin");
            await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                for (long written = 0; written < bytesEach; written += buffer.Length)
                {
                    var n = (int)Math.Min(buffer.Length, bytesEach - written);
                    random.NextBytes(buffer.AsSpan(0, n));
                    await stream.WriteAsync(buffer.AsMemory(0, n));
                }
            }

            files.Add(path);
        }

        return new Payload(directory, files);
    }

    /// <summary>A release version or blob prefix from a case name: "1 × 24 MiB" becomes "1-24-mib".</summary>
    public static string Slug(string name) => System.Text.RegularExpressions.Regex.Replace(name, "[^A-Za-z0-9]+", "-").Trim('-').ToLowerInvariant();

    /// <summary>Blob names under a release prefix, as ReleaseTargets names them.</summary>
    public IReadOnlyList<(string Path, string BlobName)> BlobsUnder(string version) =>
        Files.Select(f => (f, $"{version}/{Path.GetFileName(f)}")).ToList();
}
