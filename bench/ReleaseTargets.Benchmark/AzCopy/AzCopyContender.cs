using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs;

namespace ReleaseTargets.Benchmark.AzCopy;

/// <summary>
/// AzCopy as a user runs it: <c>azcopy copy '&lt;folder&gt;/*' '&lt;container&gt;/&lt;prefix&gt;?&lt;SAS&gt;' --from-to LocalBlob</c>,
/// a fresh process from start to exit, at its defaults or tuned to ReleaseTargets' 8 MiB × 16, with or without
/// <c>--put-md5</c>. A run counts only if AzCopy reports every file completed.
/// </summary>
internal sealed class AzCopyContender(AzCopyTool tool, BenchmarkHost host)
{
    public static string Describe(AzCopyTuning tuning, bool putMd5) =>
        $"AzCopy {(tuning == AzCopyTuning.Defaults ? "defaults" : "8 MiB × 16")}{(putMd5 ? " --put-md5" : "")}";

    /// <param name="relay">Send through this relay (to time the last response), or straight to Azurite.</param>
    public async Task<ProcessMeasurement> CopyAsync(Payload payload, string prefix, AzCopyTuning tuning, bool putMd5, LastByteRelay? relay = null, CancellationToken cancellationToken = default)
    {
        var container = relay?.Through(host.SasContainerUri) ?? host.SasContainerUri;
        var destination = new BlobUriBuilder(container) { BlobName = prefix }.ToUri();
        var start = new ProcessStartInfo(tool.Path!)
        {
            ArgumentList = { "copy", Path.Combine(payload.Directory, "*"), destination.ToString(), "--from-to", "LocalBlob", "--output-type", "json",
                // The payload only: ReleaseTargets leaves its push-report.json in the folder it pushed.
                "--exclude-pattern", "push-report.json" },
        };
        if (putMd5)
        {
            start.ArgumentList.Add("--put-md5");
        }

        if (tuning == AzCopyTuning.Tuned)
        {
            start.ArgumentList.Add("--block-size-mb");
            start.ArgumentList.Add(BenchmarkSettings.AzCopyTunedBlockMiB.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.Environment["AZCOPY_CONCURRENCY_VALUE"] = BenchmarkSettings.AzCopyTunedConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        AzCopyTool.AddEnvironment(start, host.CertificatePemPath, host.Root);
        var run = await MeteredProcess.RunAsync(start, cancellationToken);
        EnsureCompleted(run, payload.Files.Count);
        return run;
    }

    /// <summary>The EndOfJob message must say Completed with every file transferred; anything else is a failed sample.</summary>
    private static void EnsureCompleted(ProcessMeasurement run, int files)
    {
        foreach (var line in run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var message = JsonDocument.Parse(line);
            if (message.RootElement.GetProperty("MessageType").GetString() != "EndOfJob")
            {
                continue;
            }

            using var summary = JsonDocument.Parse(message.RootElement.GetProperty("MessageContent").GetString()!);
            var status = summary.RootElement.GetProperty("JobStatus").GetString();
            var completed = int.Parse(summary.RootElement.GetProperty("TransfersCompleted").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            if (run.ExitCode == 0 && status == "Completed" && completed == files)
            {
                return;
            }

            throw new InvalidOperationException($"AzCopy ended '{status}' with {completed} of {files} files (exit {run.ExitCode}).");
        }

        throw new InvalidOperationException($"AzCopy exited {run.ExitCode} without an end-of-job summary: {run.Output[^Math.Min(run.Output.Length, 2000)..]}");
    }
}

internal enum AzCopyTuning
{
    /// <summary>AzCopy's own block size and concurrency.</summary>
    Defaults,

    /// <summary>ReleaseTargets' defaults: 8 MiB blocks, 16 requests in flight (AZCOPY_CONCURRENCY_VALUE).</summary>
    Tuned,
}
