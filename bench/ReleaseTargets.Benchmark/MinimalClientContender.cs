using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// The limit on this box (issue 23): bench/ReleaseTargets.MinimalClient puts the payload's file count and size as blobs
/// on the same Azurite with the SAS a user hands AzCopy — one in-memory buffer, one Put Blob per file over plain
/// HttpClient, no hashing, no retries, no claim or manifest, ReleaseTargets' concurrency (16). A fresh process, timed
/// from start to exit like every contender; it also reports its first request → last response.
/// </summary>
internal sealed partial class MinimalClientContender(string executable, BenchmarkHost host, int concurrency)
{
    public const string Name = "Minimal client (HttpClient × 16)";

    public static string Locate(string repositoryRoot)
    {
        // Built by the benchmark's project reference in the benchmark's own configuration (bin/<configuration>/net10.0).
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(repositoryRoot, "bench", "ReleaseTargets.MinimalClient", "bin", configuration, "net10.0", "ReleaseTargets.MinimalClient");
        return File.Exists(path) ? path : throw new InvalidOperationException($"'{path}' was not built; build bench/ReleaseTargets.Benchmark (it references MinimalClient).");
    }

    public async Task<MinimalMeasurement> PutAsync(Payload payload, string prefix, CancellationToken cancellationToken = default)
    {
        var bytesEach = payload.TotalBytes / payload.Files.Count;
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList =
            {
                host.SasContainerUri.ToString(), host.CertificatePemPath, prefix,
                payload.Files.Count.ToString(CultureInfo.InvariantCulture), bytesEach.ToString(CultureInfo.InvariantCulture), concurrency.ToString(CultureInfo.InvariantCulture),
            },
        };
        var (run, line) = await MeteredProcess.RunContenderAsync(start, Line(), Name, cancellationToken);
        return new MinimalMeasurement(run, double.Parse(line.Groups["transfer"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"minimal main=(?<main>[0-9.]+) transfer=(?<transfer>[0-9.]+)")]
    private static partial Regex Line();
}

/// <param name="TransferSeconds">First request sent → last response received, inside the process.</param>
internal sealed record MinimalMeasurement(ProcessMeasurement Process, double TransferSeconds);
