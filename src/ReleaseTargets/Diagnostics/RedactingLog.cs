namespace ReleaseTargets.Diagnostics;

/// <summary>Wraps a sink so that nothing reaches it without passing the run's <see cref="Diagnostics.Redactor"/>.</summary>
internal sealed class RedactingLog(IReleaseLog inner, Redactor redactor) : IReleaseLog
{
    /// <summary>The instance whose secrets this log removes.</summary>
    public Redactor Redactor { get; } = redactor;

    /// <summary><paramref name="log"/> itself when it already redacts with <paramref name="redactor"/>, else <paramref name="log"/> wrapped.</summary>
    public static RedactingLog Wrap(IReleaseLog log, Redactor redactor) =>
        log is RedactingLog redacting && ReferenceEquals(redacting.Redactor, redactor) ? redacting : new RedactingLog(log, redactor);

    public void Write(ReleaseLogLevel level, string message) => inner.Write(level, Redactor.Redact(message));
}
