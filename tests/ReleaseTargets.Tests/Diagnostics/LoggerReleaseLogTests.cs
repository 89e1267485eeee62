using Microsoft.Extensions.Logging;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Tests.Diagnostics;

public sealed class LoggerReleaseLogTests
{
    [Fact]
    public void Write_EachLevel_ReachesTheLoggerRedactedWithBracesKept()
    {
        var logger = new RecordingLogger();
        var log = new LoggerReleaseLog(logger);

        log.Verbose("staged {0} of https://a/b?sv=1&sig=SECRETSIGNATURE");
        log.Information("Push complete");
        log.Warning("slow");
        log.Error("failed");

        Assert.Equal(
            [
                (LogLevel.Debug, "staged {0} of https://a/b?sv=1&sig=***"),
                (LogLevel.Information, "Push complete"),
                (LogLevel.Warning, "slow"),
                (LogLevel.Error, "failed"),
            ],
            logger.Entries);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Text)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
