using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>Writes an error the way an OCI registry (Docker Distribution) does: a JSON <c>errors</c> array.</summary>
internal static class RegistryErrorResponse
{
    public static async Task WriteAsync(HttpContext context, FaultAction action, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = action.StatusCode;
        response.Headers["Docker-Distribution-Api-Version"] = "registry/2.0";
        foreach (var (name, value) in action.Headers)
        {
            response.Headers[name] = value;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new { errors = new[] { new { code = action.ErrorCode, message = action.ErrorMessage ?? "injected by FaultProxy" } } });
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }
}
