namespace ReleaseTargets.Resilience;

/// <summary>
/// An attempt the endpoint left without an answer: the connection was accepted, then neither the request body moved nor
/// response headers arrived for <see cref="Timeout"/>. Thrown by <see cref="ResponseWatch"/>; classified as
/// <see cref="FaultKind.Unresponsive"/> by type.
/// </summary>
internal sealed class NoResponseException(string host, TimeSpan timeout, Exception? inner = null)
    : TimeoutException($"'{host}' sent no response within {Diagnostics.Units.Duration(timeout)} (--response-timeout).", inner)
{
    public string Host { get; } = host;

    public TimeSpan Timeout { get; } = timeout;
}
