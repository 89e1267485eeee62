namespace ReleaseTargets.Diagnostics;

/// <summary>The default log of a code-first build: information and above to standard output, warnings and errors prefixed, verbose lines dropped.</summary>
public sealed class ConsoleReleaseLog : IReleaseLog
{
    /// <inheritdoc />
    public void Write(ReleaseLogLevel level, string message)
    {
        var text = Redactor.RedactPatterns(message);
        switch (level)
        {
            case ReleaseLogLevel.Verbose:
                return;
            case ReleaseLogLevel.Warning:
                Console.Out.WriteLine("Warning: " + text);
                return;
            case ReleaseLogLevel.Error:
                Console.Error.WriteLine("Error: " + text);
                return;
            default:
                Console.Out.WriteLine(text);
                return;
        }
    }
}
