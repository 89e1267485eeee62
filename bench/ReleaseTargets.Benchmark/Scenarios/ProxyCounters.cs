using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Benchmark;

/// <summary>What went over the wire, read from the fault proxy's request log.</summary>
internal static class ProxyCounters
{
    /// <summary>Request body bytes the client sent (failed and reset attempts included).</summary>
    public static long BytesSent(FaultProxy proxy) => proxy.Requests.Where(IsPut).Sum(r => r.BodyBytesReceived);

    /// <summary>Request body bytes that reached Azurite.</summary>
    public static long BytesForwarded(FaultProxy proxy) => proxy.Requests.Where(IsPut).Sum(r => r.BodyBytesForwarded);

    /// <summary>Block and single-shot blob bytes Azurite accepted (201), i.e. what is staged.</summary>
    public static long BytesAccepted(FaultProxy proxy) =>
        proxy.Requests.Where(r => IsPut(r) && r.UpstreamStatus == 201 && r.Comp is null or "block").Sum(r => r.BodyBytesForwarded);

    public static int FaultsInjected(FaultProxy proxy) => proxy.Requests.Count(r => r.Rule is not null);

    /// <summary>The log entry is written just after the client is answered: give the last entries a moment.</summary>
    public static Task SettleAsync() => Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System);

    private static bool IsPut(ProxiedRequest request) => string.Equals(request.Method, "PUT", StringComparison.OrdinalIgnoreCase);
}
