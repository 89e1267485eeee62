using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Push.Reporting;

/// <summary>
/// The one owner of report formatting: console lines (redacted by the run's log), Markdown for $GITHUB_STEP_SUMMARY and
/// JSON in the state folder (redacted here with the run's <see cref="Redactor"/>).
/// </summary>
internal static class PushReportWriter
{
    public const string JsonFileName = "push-report.json";

    /// <summary>The JSON report of Verify, beside the push's in the state folder.</summary>
    public const string VerifyJsonFileName = "verify-report.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static IEnumerable<string> ToLines(PushReport report)
    {
        foreach (var a in report.Artifacts)
        {
            var detail = a.Outcome switch
            {
                ArtifactOutcome.Skipped => "already there, skipped",
                ArtifactOutcome.Resumed => $"resumed, {a.BlocksReused}/{a.BlocksTotal} blocks reused",
                ArtifactOutcome.Failed => "FAILED: " + a.Error,
                ArtifactOutcome.Interrupted or ArtifactOutcome.NotAttempted => a.Error ?? "not attempted",
                _ => $"{a.BlocksTotal} block{(a.BlocksTotal == 1 ? "" : "s")}",
            };
            yield return $"  {a.Name} ({Units.Bytes(a.Length)}) → {a.Url} [{detail}; {Units.Duration(a.Duration)}; {a.Retries} retries]";
        }

        yield return $"Push {(report.Succeeded ? "complete" : "FAILED")}: {report.Artifacts.Count} artifacts, {Units.Bytes(report.TotalBytes)} ({Units.Bytes(report.BytesSent)} sent) in {Units.Duration(report.Duration)}{Forecast(report)}, " +
            $"{report.Retries} retries, {report.CredentialRenewals} SAS renewals.";
        if (report.ManifestUrl is { } manifest)
        {
            yield return $"Release manifest: {manifest}";
        }

        if (report.ShardRecordUrl is { } record)
        {
            yield return $"Shard '{report.Shard}' recorded: {record} (the release is visible once Seal writes its manifest)";
        }
    }

    public static IEnumerable<string> ToLines(Seal.SealReport report)
    {
        yield return $"Seal {(report.AlreadySealed ? "confirmed (already sealed with exactly these artifacts)" : "complete")}: release '{report.Version}', {report.Shards} shards, {report.Artifacts} artifacts, " +
            $"{Units.Bytes(report.TotalBytes)} verified against storage in {Units.Duration(report.Duration)} (waited {Units.Duration(report.Waited)} for shards), {report.Retries} retries.";
        yield return $"Release manifest: {report.ManifestUrl}";
    }

    /// <summary>One line per finding, then how the verification ended and what it compared.</summary>
    public static IEnumerable<string> ToLines(Fetch.FetchReport report)
    {
        foreach (var f in report.Files.Where(f => f.Outcome == Fetch.FetchOutcome.Failed))
        {
            yield return $"  {f.Name} ({Units.Bytes(f.Size)}) FAILED: {f.Reason}";
        }

        var fetched = report.Files.Count(f => f.Outcome == Fetch.FetchOutcome.Fetched);
        var present = report.Files.Count(f => f.Outcome == Fetch.FetchOutcome.AlreadyPresent);
        var resumed = report.Files.Sum(f => f.ResumedRanges);
        yield return $"Fetch {(report.Succeeded ? "complete" : "FAILED")}: release '{report.Version}' into '{report.Directory}': {report.Files.Count} files, {Units.Bytes(report.TotalBytes)} " +
            $"({fetched} fetched, {present} already there and verified{(resumed > 0 ? $", {resumed} ranges resumed from an earlier run" : "")}; {Units.Bytes(report.BytesDownloaded)} downloaded in {report.RangesRequested} range requests) " +
            $"in {Units.Duration(report.Duration)}, {report.Renewals} SAS renewals.";
        if (report.Files.Count(f => !f.Sha256Checked && f.Outcome != Fetch.FetchOutcome.Failed) is > 0 and var md5Only)
        {
            yield return $"{md5Only} file(s) verified by MD5 only: the manifest records no SHA-256 for them (published before SHA-256 was recorded).";
        }
    }

    public static IEnumerable<string> ToLines(Verify.VerifyReport result)
    {
        foreach (var f in result.Findings)
        {
            yield return $"  {f.Name} {f.Problem}";
        }

        yield return $"Verify {(result.Succeeded ? "complete" : "FAILED")}: release '{result.Version}' {result.Status}, {result.ArtifactsChecked} artifacts checked — {result.Depth} — " +
            $"{Units.Bytes(result.BytesDownloaded)} downloaded, {result.Findings.Count} problem(s), {result.Unlisted.Count} blob(s) not in the manifest, in {Units.Duration(result.Duration)}, {result.Retries} retries.";
    }

    /// <summary>One line per image (where it went, blobs reused, time, retries), then the images' totals.</summary>
    public static IEnumerable<string> ToImageLines(IReadOnlyList<ImageResult> images)
    {
        foreach (var i in images)
        {
            var detail = i.Outcome switch
            {
                ArtifactOutcome.Skipped => "already there, tags written",
                ArtifactOutcome.Failed => "FAILED: " + i.Error,
                ArtifactOutcome.Interrupted or ArtifactOutcome.NotAttempted => i.Error ?? "not attempted",
                _ => $"{i.BlobsTotal - i.BlobsReused}/{i.BlobsTotal} blobs sent",
            };
            yield return $"  {i.Name} ({Units.Bytes(i.Length)}) → {i.Reference}{(i.Tags.Count > 1 ? $" (+{i.Tags.Count - 1} tags)" : "")} @ {i.Digest} [{detail}; {Units.Duration(i.Duration)}; {i.Retries} retries]";
        }

        var ok = images.All(i => i.Outcome is ArtifactOutcome.Uploaded or ArtifactOutcome.Skipped);
        yield return $"Images {(ok ? "pushed" : "FAILED")}: {images.Count} image{(images.Count == 1 ? "" : "s")}, {Units.Bytes(images.Sum(i => i.Length))} ({Units.Bytes(images.Sum(i => i.BytesSent))} sent), {images.Sum(i => i.Retries)} retries.";
    }

    public static string ToMarkdown(PushReport report, Redactor redactor)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### Release {report.Version} — push {(report.Succeeded ? "complete" : "failed")}");
        md.AppendLine();
        md.AppendLine("| Artifact | Size | Outcome | Time | Retries |");
        md.AppendLine("|---|---:|---|---:|---:|");
        foreach (var a in report.Artifacts)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| `{a.Name}` | {Units.Bytes(a.Length)} | {a.Outcome}{(a.Error is null ? "" : ": " + a.Error)} | {Units.Duration(a.Duration)} | {a.Retries} |");
        }

        if (report.Images is { Count: > 0 } images)
        {
            md.AppendLine();
            md.AppendLine("| Image | Size | Outcome | Digest | Time | Retries |");
            md.AppendLine("|---|---:|---|---|---:|---:|");
            foreach (var i in images)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| `{i.Reference}` | {Units.Bytes(i.Length)} | {i.Outcome}{(i.Error is null ? "" : ": " + i.Error)} | `{i.Digest}` | {Units.Duration(i.Duration)} | {i.Retries} |");
            }
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{Units.Bytes(report.TotalBytes)} in {Units.Duration(report.Duration)}{Forecast(report)}; {Units.Bytes(report.BytesSent)} sent; {report.Retries} retries; {report.CredentialRenewals} SAS renewals.");
        if (report.SasWindow is { } window)
        {
            md.AppendLine().AppendLine(window);
        }

        return redactor.Redact(md.ToString());
    }

    /// <summary>The verification as a step-summary table: one row per problem (a release of thousands of artifacts stays short).</summary>
    public static string ToMarkdown(Verify.VerifyReport result, Redactor redactor)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### Release {result.Version} — verify {(result.Succeeded ? "complete" : "failed")}: {result.Status}");
        md.AppendLine();
        md.AppendLine("| Item | Problem |");
        md.AppendLine("|---|---|");
        foreach (var f in result.Findings)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| `{Cell(f.Name)}` | {Cell(f.Problem)} |");
        }

        if (result.Findings.Count == 0)
        {
            md.AppendLine("| every artifact | matches the manifest |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{result.ArtifactsChecked} artifacts checked: {result.Depth}; {Units.Bytes(result.BytesDownloaded)} downloaded; {result.Unlisted.Count} blob(s) not in the manifest; {Units.Duration(result.Duration)}; {result.Retries} retries.");
        return redactor.Redact(md.ToString());
    }

    public static string ToJson(Verify.VerifyReport result, Redactor redactor) => redactor.Redact(JsonSerializer.Serialize(result, Json));

    /// <summary>Writes the JSON report of a verification to <paramref name="reportPath"/> and appends its table to $GITHUB_STEP_SUMMARY when set.</summary>
    public static Task WriteAsync(Verify.VerifyReport result, Redactor redactor, string reportPath, string? stepSummaryPath, CancellationToken cancellationToken = default) =>
        WriteFilesAsync(ToJson(result, redactor), () => ToMarkdown(result, redactor), reportPath, stepSummaryPath, cancellationToken);

    // A table cell is one line without an unescaped '|'.
    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);

    private static string Forecast(PushReport report) =>
        report.ForecastEstimate is { } estimate ? $" (forecast {Units.Duration(estimate)})" : string.Empty;

    /// <summary>The JSON report as <see cref="WriteAsync(PushReport, Redactor, string, string?, CancellationToken)"/> writes it.</summary>
    public static string ToJson(PushReport report, Redactor redactor) => JsonSerializer.Serialize(report, Redacting(redactor));

    /// <summary>
    /// Writes the JSON report to <paramref name="reportPath"/> (the run's state folder, outside the user's artifacts) and,
    /// when set, appends Markdown to $GITHUB_STEP_SUMMARY. The report of a push of 16,000 artifacts is ~6 MiB of JSON:
    /// made whole as a string to be redacted, it was held three times over (pooled UTF-8 buffer, UTF-16 string, the
    /// redacted copy) and was the push's peak memory. Streamed to the file with every string redacted as it is written,
    /// it never exists in memory at once; the file is the same whole report.
    /// </summary>
    public static async Task WriteAsync(PushReport report, Redactor redactor, string reportPath, string? stepSummaryPath, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        await using (var file = new FileStream(reportPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            await JsonSerializer.SerializeAsync(file, report, Redacting(redactor), cancellationToken);
        }

        if (!string.IsNullOrEmpty(stepSummaryPath))
        {
            await File.AppendAllTextAsync(stepSummaryPath, ToMarkdown(report, redactor) + Environment.NewLine, cancellationToken);
        }
    }

    /// <summary>
    /// The report's options with every string and URL passed through <paramref name="redactor"/> before it is escaped:
    /// a secret can only be inside a value (names, numbers and enums are the tool's own), so redacting each value masks
    /// what redacting the whole text did, and the raw value needs no JSON-escaped variant of the secret.
    /// </summary>
    private static JsonSerializerOptions Redacting(Redactor redactor) =>
        new(Json) { Converters = { new RedactingString(redactor), new RedactingUri(redactor) } };

    private sealed class RedactingString(Redactor redactor) : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(redactor.Redact(value));
    }

    private sealed class RedactingUri(Redactor redactor) : JsonConverter<Uri>
    {
        public override Uri Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, Uri value, JsonSerializerOptions options) => writer.WriteStringValue(redactor.Redact(value.OriginalString));
    }

    private static async Task WriteFilesAsync(string json, Func<string> markdown, string reportPath, string? stepSummaryPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        await File.WriteAllTextAsync(reportPath, json, cancellationToken);
        if (!string.IsNullOrEmpty(stepSummaryPath))
        {
            await File.AppendAllTextAsync(stepSummaryPath, markdown() + Environment.NewLine, cancellationToken);
        }
    }
}
