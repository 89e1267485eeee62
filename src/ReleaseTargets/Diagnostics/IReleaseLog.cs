namespace ReleaseTargets.Diagnostics;

/// <summary>
/// Where ReleaseTargets writes what it does. The build-engine layer adapts it to its own log;
/// every message passes through <see cref="Redactor"/> before it reaches a sink.
/// </summary>
public interface IReleaseLog
{
    /// <summary>Writes one line. <paramref name="message"/> is plain text (no format placeholders); the run redacts it before any sink sees it.</summary>
    void Write(ReleaseLogLevel level, string message);
}

/// <summary>How important a line is; sinks map it to their own levels.</summary>
public enum ReleaseLogLevel
{
    /// <summary>Detail for diagnosing a run (each retry of a short wait, each request).</summary>
    Verbose,

    /// <summary>What the run does: stages, the SAS window, progress, the report.</summary>
    Information,

    /// <summary>Something the user should look at; the run goes on.</summary>
    Warning,

    /// <summary>Why the run failed.</summary>
    Error,
}

/// <summary>One method per level on any <see cref="IReleaseLog"/>.</summary>
public static class ReleaseLogExtensions
{
    /// <summary>Writes a <see cref="ReleaseLogLevel.Verbose"/> line.</summary>
    public static void Verbose(this IReleaseLog log, string message) => log.Write(ReleaseLogLevel.Verbose, message);

    /// <summary>Writes a <see cref="ReleaseLogLevel.Information"/> line.</summary>
    public static void Information(this IReleaseLog log, string message) => log.Write(ReleaseLogLevel.Information, message);

    /// <summary>Writes a <see cref="ReleaseLogLevel.Warning"/> line.</summary>
    public static void Warning(this IReleaseLog log, string message) => log.Write(ReleaseLogLevel.Warning, message);

    /// <summary>Writes a <see cref="ReleaseLogLevel.Error"/> line.</summary>
    public static void Error(this IReleaseLog log, string message) => log.Write(ReleaseLogLevel.Error, message);
}
