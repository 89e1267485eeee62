using ReleaseTargets.Diagnostics;

namespace ReleaseTargets;

/// <summary>
/// A failure the user can act on: the message says what failed, the value, and what to do next.
/// Messages are redacted on construction, so a secret can never travel inside one.
/// </summary>
public class ReleaseTargetsException : Exception
{
    /// <param name="message">What failed, the value and what to do; redacted here.</param>
    public ReleaseTargetsException(string message)
        : base(Redactor.Redact(message))
    {
    }

    /// <param name="message">What failed, the value and what to do; redacted here.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ReleaseTargetsException(string message, Exception? innerException)
        : base(Redactor.Redact(message), innerException)
    {
    }
}
