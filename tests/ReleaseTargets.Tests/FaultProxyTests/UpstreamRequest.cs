namespace ReleaseTargets.Tests.FaultProxyTests;

/// <summary>What the stand-in upstream received; <see cref="ArrivedAt"/> is a <see cref="TimeProvider.System"/> timestamp.</summary>
internal sealed record UpstreamRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body, long ArrivedAt);
