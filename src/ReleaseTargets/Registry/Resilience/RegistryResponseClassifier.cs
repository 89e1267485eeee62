using System.Net;

namespace ReleaseTargets.Registry.Resilience;

/// <summary>
/// Every decision the registry code takes on an HTTP status, in one place beside <see cref="RegistryFaultClassifier"/>
/// (which reads the status of a failed request): what a single answer of the registry or its token service means.
/// </summary>
internal static class RegistryResponseClassifier
{
    /// <summary>The status as a number, for messages and <see cref="RegistryRequestException"/>.</summary>
    public static int Status(HttpResponseMessage response) => (int)response.StatusCode;

    /// <summary>A 2xx answer.</summary>
    public static bool IsSuccess(HttpResponseMessage response) => response.IsSuccessStatusCode;

    /// <summary>A 401: the registry asks for (other) credentials in <c>WWW-Authenticate</c>.</summary>
    public static bool IsAuthChallenge(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.Unauthorized;

    /// <summary>A 404: the blob or manifest is not there.</summary>
    public static bool IsNotFound(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.NotFound;

    /// <summary>A 201: the registry did what was asked (a mount) instead of opening an upload session.</summary>
    public static bool IsCreated(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.Created;

    /// <summary>A 401 or 403 of the token service: it refused the credential.</summary>
    public static bool IsRefusal(HttpResponseMessage response) => response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    /// <summary>A token-service answer worth retrying (408, 429, 5xx): thrown as a <see cref="RegistryRequestException"/> for the runner.</summary>
    public static bool IsTransient(HttpResponseMessage response) => Status(response) is 408 or 429 or >= 500;

    /// <summary>Whether a 401 says the token lacks the scope (<c>error="insufficient_scope"</c>), not that it expired.</summary>
    public static bool IsInsufficientScope(int status, string? challenge) =>
        status == (int)HttpStatusCode.Unauthorized && (challenge?.Contains("insufficient_scope", StringComparison.OrdinalIgnoreCase) ?? false);
}
