namespace ReleaseTargets.Push;

/// <summary>The push did not complete; the manifest was not written, so the release stays absent until a re-run completes it.</summary>
public sealed class PushFailedException(PushReport report, IReadOnlyList<string> failures)
    : ReleaseTargetsException(string.Join(Environment.NewLine, failures.Prepend($"Push of release '{report.Version}' failed for {failures.Count} artifact(s); no manifest was written, so the release is not visible. Re-run the push to resume.")))
{
    public PushReport Report { get; } = report;
}
