using Cake.Core.Diagnostics;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Cake;

/// <summary>Adapts Cake's log; lines are redacted before Cake sees them.</summary>
public sealed class CakeReleaseLog(ICakeLog log) : IReleaseLog
{
    public void Write(ReleaseLogLevel level, string message)
    {
        var text = Redactor.Redact(message).Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
        switch (level)
        {
            case ReleaseLogLevel.Verbose:
                log.Verbose(text);
                break;
            case ReleaseLogLevel.Warning:
                log.Warning(text);
                break;
            case ReleaseLogLevel.Error:
                log.Error(text);
                break;
            default:
                log.Information(text);
                break;
        }
    }
}
