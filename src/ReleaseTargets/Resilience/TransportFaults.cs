using System.Net.Sockets;
using System.Security.Authentication;
using Polly.Timeout;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Resilience;

/// <summary>
/// The one rule for faults below HTTP, shared by <see cref="StorageFaultClassifier"/> and the registry's classifier:
/// decided by exception type only (never message text), looking through the wrappers the transports add
/// (<c>HttpRequestException</c>, <c>RequestFailedException</c> status 0, <c>AggregateException</c>).
/// </summary>
internal static class TransportFaults
{
    /// <summary>
    /// <see cref="FaultKind.CertificateRejected"/> for a TLS authentication failure, <see cref="FaultKind.Unresponsive"/>
    /// for an attempt the endpoint left silent, anywhere in the chain; else null.
    /// </summary>
    public static FaultKind? Find(Exception exception) =>
        Chain(exception).Any(e => e is AuthenticationException) ? FaultKind.CertificateRejected
        : Chain(exception).Any(e => e is NoResponseException) ? FaultKind.Unresponsive
        : null;

    /// <summary>Resets, socket errors, per-try timeouts and other transport failures that a retry may fix.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutRejectedException or IOException or SocketException or HttpRequestException => true,
        OperationCanceledException when exception.InnerException is TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// True when the endpoint did not answer at all (connection refused, host unreachable): the emulator or the network is
    /// gone, not a single request. Retrying the other artifacts against it only delays the failure.
    /// </summary>
    public static bool IsUnreachable(Exception exception) =>
        Chain(exception).Any(e => e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound });

    /// <summary>Whether waiting (a silent endpoint, a per-try timeout) caused the fault: worth a line at normal verbosity.</summary>
    public static bool IsTimeout(Exception exception) => Chain(exception).Any(e => e is NoResponseException or TimeoutRejectedException);

    /// <summary>Short description of a transport fault for logs and reports, or null when it is not one of these.</summary>
    public static string? Describe(Exception exception) => Find(exception) switch
    {
        FaultKind.CertificateRejected => "TLS certificate rejected: " + ServerText.Sanitize(Chain(exception).OfType<AuthenticationException>().First().Message),
        FaultKind.Unresponsive => $"no response within {Units.Duration(Chain(exception).OfType<NoResponseException>().First().Timeout)} (--response-timeout)",
        _ => null,
    };

    /// <summary>
    /// What to do after a transport fault that is not worth more retries, in one wording for storage and registry; null for
    /// the other kinds. Never suggests --max-retries: neither a silent endpoint nor a certificate gets better with more tries.
    /// </summary>
    /// <param name="endpoint">"the storage endpoint", "the registry".</param>
    /// <param name="rerun">How a re-run continues, e.g. "it resumes from the blocks already staged".</param>
    public static string? Next(FaultKind kind, int attempts, PushRetryOptions options, string endpoint, string rerun) => kind switch
    {
        FaultKind.Unresponsive =>
            $"{endpoint} accepted the connection but sent no response within {Units.Duration(options.ResponseTimeout)} (--response-timeout), " +
            $"{attempts} time{(attempts == 1 ? "" : "s")} in a row: it is up but hung (a stuck proxy or load balancer, a firewall dropping replies, an overloaded server). " +
            $"Check it, then re-run the push: {rerun}. Raise --response-timeout only if it is known to take that long to answer.",
        FaultKind.CertificateRejected =>
            $"{endpoint}'s TLS certificate was not accepted (see the reason above: an untrusted root, a name mismatch, an expired certificate). " +
            "Either its CA is missing from this machine's trust store (a private CA or a self-signed endpoint: install the CA), " +
            "or something between this machine and the endpoint intercepts TLS (a man in the middle). Not retried: retrying cannot make a certificate trusted.",
        _ => null,
    };

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        for (var seen = 0; pending.Count > 0 && seen < 32; seen++)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
