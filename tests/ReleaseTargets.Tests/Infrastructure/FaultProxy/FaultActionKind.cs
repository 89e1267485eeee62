namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>What a <see cref="FaultRule"/> does to a request it fires on.</summary>
public enum FaultActionKind
{
    /// <summary>Answer with a synthetic Azure-style error; nothing is forwarded.</summary>
    Status,

    /// <summary>Wait, then forward normally.</summary>
    Latency,

    /// <summary>Read about half of the request body, then abort the connection; nothing is forwarded.</summary>
    ResetMidBody,

    /// <summary>Forward (so the upstream applies the request), then abort the client connection instead of answering.</summary>
    LoseAcknowledgement,

    /// <summary>Buffer the body, flip one byte in the middle, forward.</summary>
    CorruptBody,

    /// <summary>Accept the request and never answer (a hung server or middlebox); nothing is forwarded.</summary>
    Stall,
}
