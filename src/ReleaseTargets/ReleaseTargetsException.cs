using ReleaseTargets.Diagnostics;

namespace ReleaseTargets;

/// <summary>
/// A failure the user can act on: the message says what failed, the value, and what to do next.
/// Messages are redacted on construction, so a secret can never travel inside one.
/// </summary>
public class ReleaseTargetsException : Exception
{
    public ReleaseTargetsException(string message)
        : base(Redactor.Redact(message))
    {
    }

    public ReleaseTargetsException(string message, Exception? innerException)
        : base(Redactor.Redact(message), innerException)
    {
    }
}
