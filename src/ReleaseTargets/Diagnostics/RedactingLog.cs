namespace ReleaseTargets.Diagnostics;

/// <summary>Wraps a sink so that nothing reaches it without passing <see cref="Redactor"/>.</summary>
internal sealed class RedactingLog(IReleaseLog inner) : IReleaseLog
{
    public void Write(ReleaseLogLevel level, string message) => inner.Write(level, Redactor.Redact(message));
}
