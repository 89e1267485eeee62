namespace ReleaseTargets.Diagnostics;

/// <summary>
/// Where ReleaseTargets writes what it does. The build-engine layer adapts it to its own log;
/// every message passes through <see cref="Redactor"/> before it reaches a sink.
/// </summary>
public interface IReleaseLog
{
    void Write(ReleaseLogLevel level, string message);
}

public enum ReleaseLogLevel
{
    Verbose,
    Information,
    Warning,
    Error,
}

public static class ReleaseLogExtensions
{
    public static void Verbose(this IReleaseLog log, string message) => log.Write(ReleaseLogLevel.Verbose, message);

    public static void Information(this IReleaseLog log, string message) => log.Write(ReleaseLogLevel.Information, message);

    public static void Warning(this IReleaseLog log, string message) => log.Write(ReleaseLogLevel.Warning, message);

    public static void Error(this IReleaseLog log, string message) => log.Write(ReleaseLogLevel.Error, message);
}
