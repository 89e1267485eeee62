using Microsoft.Extensions.Logging;

namespace ReleaseTargets.Diagnostics;

/// <summary>Sends the release's lines to a Microsoft.Extensions.Logging <see cref="ILogger"/> (a build's own logger), redacted first.</summary>
public sealed class LoggerReleaseLog(ILogger logger) : IReleaseLog
{
    /// <inheritdoc />
    public void Write(ReleaseLogLevel level, string message)
    {
        // The text is passed as an argument, never as the template: braces in a path or a server's message stay text.
        logger.Log(
            level switch
            {
                ReleaseLogLevel.Verbose => LogLevel.Debug,
                ReleaseLogLevel.Warning => LogLevel.Warning,
                ReleaseLogLevel.Error => LogLevel.Error,
                _ => LogLevel.Information,
            },
            "{ReleaseMessage}",
            Redactor.RedactPatterns(message));
    }
}
