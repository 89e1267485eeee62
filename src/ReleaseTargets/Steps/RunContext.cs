using ReleaseTargets.Resilience;
using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Steps;

/// <summary>
/// What every step of one run shares: its validated settings (a private copy), its redacting log, its clock and environment,
/// and its <see cref="Diagnostics.Redactor"/>: every secret the run handles is registered there, and its log, report and
/// exceptions are redacted with it.
/// </summary>
internal sealed record RunContext(ReleaseOptions Options, IReleaseLog Log, TimeProvider Time, IReadOnlyDictionary<string, string> Environment, Redactor Redactor)
{
    public PushRetryOptions Retry { get; } = PushRetryOptions.From(Options);

    public string HistoryPath => Path.Combine(Options.StateDirectory, "stage-history.json");

    public string ReportPath => Path.Combine(Options.StateDirectory, PushReportWriter.JsonFileName);

    public string VerifyReportPath => Path.Combine(Options.StateDirectory, PushReportWriter.VerifyJsonFileName);

    public string EmulatorStateDirectory => Path.Combine(Options.StateDirectory, "azurite");

    public string? StepSummaryPath => Environment.GetValueOrDefault("GITHUB_STEP_SUMMARY");

    public int BlockSize => checked(Options.BlockSizeMiB * 1024 * 1024);

    /// <summary>The state folder is where the history, the report and the emulator's data go: checked before each stage writes there.</summary>
    public void EnsureStateWritable() => StateDirectoryCheck.EnsureWritable(Options.StateDirectory, "--state-directory");
}
