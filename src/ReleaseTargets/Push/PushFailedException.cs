using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Push;

/// <summary>The push did not complete; the manifest was not written, so the release stays absent until a re-run completes it.</summary>
public sealed class PushFailedException(PushReport report, IReadOnlyList<string> lines)
    : ReleaseTargetsException(string.Join(Environment.NewLine, lines))
{
    /// <summary>What the push did before it stopped, per artifact (also written to push-report.json).</summary>
    public PushReport Report { get; internal set; } = report;
}
