namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>The one thing a <see cref="FaultRule"/> does when it fires. Create through the static members.</summary>
public sealed class FaultAction
{
    private FaultAction(FaultActionKind kind)
    {
        Kind = kind;
    }

    private FaultAction(FaultAction other)
        : this(other.Kind)
    {
        StatusCode = other.StatusCode;
        ErrorCode = other.ErrorCode;
        ErrorMessage = other.ErrorMessage;
        Headers = other.Headers;
    }

    public FaultActionKind Kind { get; }

    /// <summary>Status code of a <see cref="FaultActionKind.Status"/> answer.</summary>
    public int StatusCode { get; private init; }

    /// <summary>Value of <c>x-ms-error-code</c> and of <c>&lt;Code&gt;</c> in the XML body.</summary>
    public string? ErrorCode { get; private init; }

    /// <summary><c>&lt;Message&gt;</c> in the XML body; null picks Azure's usual text for the code.</summary>
    public string? ErrorMessage { get; private init; }

    /// <summary>Extra response headers of a <see cref="FaultActionKind.Status"/> answer (e.g. <c>Retry-After</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();

    /// <summary>Whether a <see cref="FaultActionKind.Status"/> answer is an OCI registry error (JSON <c>errors</c> body) rather than Azure's XML.</summary>
    public bool IsRegistryError { get; private init; }

    /// <summary>Delay of a <see cref="FaultActionKind.Latency"/> action.</summary>
    public TimeSpan Delay { get; private init; }

    public static FaultAction ResetMidBody { get; } = new(FaultActionKind.ResetMidBody);

    public static FaultAction LoseAcknowledgement { get; } = new(FaultActionKind.LoseAcknowledgement);

    public static FaultAction CorruptBody { get; } = new(FaultActionKind.CorruptBody);

    public static FaultAction Stall { get; } = new(FaultActionKind.Stall);

    /// <summary>Answers without forwarding, the way Azure Storage reports an error.</summary>
    /// <param name="status">HTTP status, e.g. 503.</param>
    /// <param name="errorCode">Azure error code, e.g. <c>ServerBusy</c>.</param>
    /// <param name="headers">Extra headers; see <see cref="RetryAfter"/> and <see cref="RetryAfterMs"/>.</param>
    /// <param name="message">Error message; null picks Azure's usual text for <paramref name="errorCode"/>.</param>
    public static FaultAction Status(int status, string errorCode, IReadOnlyDictionary<string, string>? headers = null, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        return new FaultAction(FaultActionKind.Status)
        {
            StatusCode = status,
            ErrorCode = errorCode,
            ErrorMessage = message,
            Headers = headers is null ? new Dictionary<string, string>() : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>Answers without forwarding, the way an OCI registry reports an error: <c>{"errors":[{"code":…}]}</c>.</summary>
    /// <param name="status">HTTP status, e.g. 404.</param>
    /// <param name="errorCode">OCI error code, e.g. <c>BLOB_UPLOAD_UNKNOWN</c>.</param>
    /// <param name="headers">Extra headers (<c>Retry-After</c>, <c>WWW-Authenticate</c>).</param>
    /// <param name="message">The error's <c>message</c>; null: a fixed text.</param>
    public static FaultAction RegistryStatus(int status, string errorCode, IReadOnlyDictionary<string, string>? headers = null, string? message = null) =>
        new(Status(status, errorCode, headers, message)) { IsRegistryError = true };

    public static FaultAction Latency(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new FaultAction(FaultActionKind.Latency) { Delay = delay };
    }

    /// <summary><c>Retry-After</c> in whole seconds (rounded up), as Azure sends it.</summary>
    public static IReadOnlyDictionary<string, string> RetryAfter(TimeSpan delay) =>
        new Dictionary<string, string> { ["Retry-After"] = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary><c>x-ms-retry-after-ms</c> in whole milliseconds.</summary>
    public static IReadOnlyDictionary<string, string> RetryAfterMs(TimeSpan delay) =>
        new Dictionary<string, string> { ["x-ms-retry-after-ms"] = ((long)Math.Ceiling(delay.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public override string ToString() => Kind switch
    {
        FaultActionKind.Status => $"Status({StatusCode}, {ErrorCode})",
        FaultActionKind.Latency => $"Latency({Delay})",
        _ => Kind.ToString(),
    };
}
