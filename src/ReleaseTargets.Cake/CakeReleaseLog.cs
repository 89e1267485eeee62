using Cake.Core.Diagnostics;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Cake;

/// <summary>Adapts Cake's log. Redaction is the release's (every log it is given is wrapped); here braces are escaped for Cake's formatter.</summary>
internal sealed class CakeReleaseLog(ICakeLog log) : IReleaseLog
{
    public void Write(ReleaseLogLevel level, string message)
    {
        var text = message.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
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
