using ReleaseTargets.Diagnostics;

namespace ReleaseTargets;

/// <summary>
/// A failure the user can act on: the message says what failed, the value, and what to do next.
/// Whatever looks like a secret is redacted on construction; the secrets a run registered are redacted from
/// <see cref="Message"/> once the exception leaves that run, so a secret can never travel inside one.
/// </summary>
public class ReleaseTargetsException : Exception
{
    private Redactor? _redactor;

    /// <param name="message">What failed, the value and what to do; redacted here.</param>
    public ReleaseTargetsException(string message)
        : base(Redactor.RedactPatterns(message))
    {
    }

    /// <param name="message">What failed, the value and what to do; redacted here.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ReleaseTargetsException(string message, Exception? innerException)
        : base(Redactor.RedactPatterns(message), innerException)
    {
    }

    /// <summary>What failed, the value and what to do, without any secret of the run it left.</summary>
    public override string Message => _redactor?.Redact(base.Message) ?? base.Message;

    /// <summary>
    /// Masks <paramref name="redactor"/>'s secrets in <see cref="Message"/> from now on, here and in every
    /// <see cref="ReleaseTargetsException"/> among the inner exceptions (the run it leaves; the first one wins).
    /// </summary>
    internal void RedactWith(Redactor redactor)
    {
        for (Exception? e = this; e is not null; e = e.InnerException)
        {
            if (e is ReleaseTargetsException exception)
            {
                Interlocked.CompareExchange(ref exception._redactor, redactor, null);
            }
        }
    }
}
