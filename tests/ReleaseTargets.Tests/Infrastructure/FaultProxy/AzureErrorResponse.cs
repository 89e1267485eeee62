using System.Globalization;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>Writes an error the way Azure Storage does: <c>x-ms-error-code</c> plus an XML <c>&lt;Error&gt;</c> body.</summary>
internal static class AzureErrorResponse
{
    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        ["ServerBusy"] = "The server is currently unable to receive requests. Please retry your request.",
        ["InternalError"] = "The server encountered an internal error. Please retry the request.",
        ["OperationTimedOut"] = "The operation could not be completed within the permitted time.",
        ["AuthenticationFailed"] = "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
        ["AuthorizationFailure"] = "This request is not authorized to perform this operation.",
        ["AuthorizationPermissionMismatch"] = "This request is not authorized to perform this operation using this permission.",
        ["ContainerNotFound"] = "The specified container does not exist.",
        ["BlobNotFound"] = "The specified blob does not exist.",
        ["Md5Mismatch"] = "The MD5 value specified in the request did not match with the MD5 value calculated by the server.",
        ["InvalidBlockList"] = "The specified block list is invalid.",
    };

    public static async Task WriteAsync(HttpContext context, FaultAction action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = context.Response;
        response.StatusCode = action.StatusCode;
        // A header can carry only printable ASCII; a hostile code with control characters travels in the body alone
        // (where the SDK reads it when the header is absent).
        if (action.ErrorCode!.All(c => c is >= ' ' and <= '~'))
        {
            response.Headers["x-ms-error-code"] = action.ErrorCode;
        }

        response.Headers["x-ms-request-id"] = requestId;
        if (context.Request.Headers.TryGetValue("x-ms-version", out var version))
        {
            response.Headers["x-ms-version"] = version;
        }

        if (context.Request.Headers.TryGetValue("x-ms-client-request-id", out var clientRequestId))
        {
            response.Headers["x-ms-client-request-id"] = clientRequestId;
        }

        foreach (var (name, value) in action.Headers)
        {
            response.Headers[name] = value;
        }

        // HEAD answers carry no body; Azure reports the code in the header only.
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var message = action.ErrorMessage ?? Messages.GetValueOrDefault(action.ErrorCode!, "Injected by FaultProxy.");
        var time = now.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + $"<Error><Code>{SecurityElement.Escape(action.ErrorCode)}</Code>"
            + $"<Message>{SecurityElement.Escape(message)}\nRequestId:{requestId}\nTime:{time}</Message></Error>");
        response.ContentType = "application/xml";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }
}
