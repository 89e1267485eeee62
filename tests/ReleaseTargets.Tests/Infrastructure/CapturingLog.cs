using System.Collections.Concurrent;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Tests.Infrastructure;

/// <summary>Keeps every line written, after redaction, so tests can assert on what a user would see.</summary>
public sealed class CapturingLog : IReleaseLog
{
    private readonly ConcurrentQueue<(ReleaseLogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(ReleaseLogLevel Level, string Message)> Lines => _lines.ToArray();

    public string Text => string.Join(Environment.NewLine, _lines.Select(l => l.Message));

    public void Write(ReleaseLogLevel level, string message) => _lines.Enqueue((level, Redactor.Redact(message)));
}
