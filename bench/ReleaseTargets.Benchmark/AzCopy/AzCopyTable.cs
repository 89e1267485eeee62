using System.Text;

namespace ReleaseTargets.Benchmark.AzCopy;

/// <summary>The AzCopy comparison as Markdown: one row per payload against AzCopy's best setting with and without MD5.</summary>
internal static class AzCopyTable
{
    public static string Format(AzCopyResults results)
    {
        var s = new StringBuilder();
        if (results.Skipped is not null)
        {
            s.AppendLine($"AzCopy comparison skipped: {results.Skipped}");
            return s.ToString();
        }

        s.AppendLine($"| Fresh process, start → exit (AzCopy {results.AzCopyVersion}) | ReleaseTargets | AzCopy best `--put-md5` / without MD5 | Result (target) | Met |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var c in results.Cases)
        {
            var ours = c.Contenders[0];
            var md5 = c.Contenders.First(x => x.Contender == c.BestMd5);
            var plain = c.Contenders.First(x => x.Contender == c.BestWithoutMd5);
            s.AppendLine(ResultTable.Row(
                $"{c.Payload} (median of {ours.WallSeconds.Length})",
                $"{ours.MedianWallSeconds:0.00} s, {ours.MedianMiBPerSecond:0.0} MiB/s, CPU {ours.MedianCpuSeconds:0.0} s, peak {ours.MedianPeakBytes / 1048576d:0} MiB",
                $"{md5.MedianWallSeconds:0.00} s ({Short(md5.Contender)}, CPU {md5.MedianCpuSeconds:0.0} s) / {plain.MedianWallSeconds:0.00} s ({Short(plain.Contender)}); lowest peak {c.AzCopyLowestPeakBytes / 1048576d:0} MiB",
                $"{c.RatioToBestMd5:0.00}× with MD5 (≥ {Target(c):0.0#}×), {c.RatioToBestWithoutMd5:0.00}× without (≥ 1.0×), peak {c.ReleaseTargetsPeakBytes / (double)c.AzCopyLowestPeakBytes:0.00}× (≤ 1)",
                c.RatioToBestMd5 >= Target(c) && c.RatioToBestWithoutMd5 >= 1.0 && c.ReleaseTargetsPeakBytes <= c.AzCopyLowestPeakBytes));
            if (c.ToLastByte is { Length: > 0 } lastByte)
            {
                var oursLast = lastByte[0];
                var bestLastMd5 = lastByte.Where(x => x.Contender.EndsWith("--put-md5", StringComparison.Ordinal)).OrderBy(x => x.MedianSeconds).First();
                var bestLastPlain = lastByte.Where(x => x.Contender.StartsWith("AzCopy", StringComparison.Ordinal) && !x.Contender.EndsWith("--put-md5", StringComparison.Ordinal)).OrderBy(x => x.MedianSeconds).First();
                s.AppendLine(ResultTable.Row(
                    $"… to the last response byte (both through a TCP relay, median of {oursLast.Seconds.Length})",
                    $"{oursLast.MedianSeconds:0.00} s, {oursLast.MedianMiBPerSecond:0.0} MiB/s",
                    $"{bestLastMd5.MedianSeconds:0.00} s ({Short(bestLastMd5.Contender)}) / {bestLastPlain.MedianSeconds:0.00} s ({Short(bestLastPlain.Contender)})",
                    $"{bestLastMd5.MedianSeconds / oursLast.MedianSeconds:0.00}× with MD5, {bestLastPlain.MedianSeconds / oursLast.MedianSeconds:0.00}× without",
                    met: null));
            }

            if (c.Limit is { } limit)
            {
                s.AppendLine(ResultTable.Row(
                    $"… the limit: {MinimalClientContender.Name}, in-memory bytes, no hashing, no retries",
                    $"Push stage {c.ReleaseTargetsPhases[ours.Contender].MedianPushSeconds:0.00} s; start → exit {ours.MedianWallSeconds:0.00} s",
                    $"transfer {limit.MedianTransferSeconds:0.00} s; start → exit {limit.MedianWallSeconds:0.00} s",
                    $"Push stage at {limit.PushStageShare:0.00}× the limit's transfer (≥ 0.95×); whole run {limit.WallShare:0.00}× the limit's",
                    limit.PushStageShare >= 0.95));
            }

            foreach (var (variant, phases) in c.ReleaseTargetsPhases)
            {
                var series = c.Contenders.First(x => x.Contender == variant);
                s.AppendLine(ResultTable.Row(
                    $"… {variant}: inside the process",
                    $"{series.MedianWallSeconds:0.00} s: to Main {phases.MedianToMainSeconds:0.00} s, RefreshCredentials {phases.MedianRefreshSeconds:0.00} s, Push {phases.MedianPushSeconds:0.00} s",
                    "–",
                    $"rest (runtime start, JIT outside the stages, exit) {series.MedianWallSeconds - phases.MedianToMainSeconds - phases.MedianRefreshSeconds - phases.MedianPushSeconds:0.00} s",
                    met: null));
            }
        }

        return s.ToString();
    }

    /// <summary>
    /// The ratio to AzCopy's best setting with <c>--put-md5</c> each payload must reach (issue 23): one large file ≥ 2×, files of
    /// 1 MiB and more ≥ 1.3×, smaller files ≥ 1.5× (where AzCopy's per-file cost dominates).
    /// </summary>
    public static double Target(AzCopyCase c) => c.Files == 1 ? 2.0 : c.PayloadBytes / c.Files >= 1024 * 1024 ? 1.3 : 1.5;

    private static string Short(string contender) => contender.Replace("AzCopy ", "", StringComparison.Ordinal).Replace(" --put-md5", "", StringComparison.Ordinal);
}
