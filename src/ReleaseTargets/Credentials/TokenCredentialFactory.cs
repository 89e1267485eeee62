using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Identity;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Credentials;

/// <summary>
/// Turns a <see cref="CredentialSource"/> into the Azure.Identity credential that RefreshCredentials uses,
/// checking up front that the settings the source needs are present, and turns its failures into one line
/// a user can act on.
/// </summary>
internal static partial class TokenCredentialFactory
{
    internal const string TenantIdVariable = "AZURE_TENANT_ID";
    internal const string ClientIdVariable = "AZURE_CLIENT_ID";
    internal const string ClientSecretVariable = "AZURE_CLIENT_SECRET";
    internal const string ClientCertificatePathVariable = "AZURE_CLIENT_CERTIFICATE_PATH";
    internal const string FederatedTokenFileVariable = "AZURE_FEDERATED_TOKEN_FILE";
    internal const string PipelinesTenantIdVariable = "AZURESUBSCRIPTION_TENANT_ID";
    internal const string PipelinesClientIdVariable = "AZURESUBSCRIPTION_CLIENT_ID";
    internal const string PipelinesServiceConnectionIdVariable = "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID";
    internal const string PipelinesAccessTokenVariable = "SYSTEM_ACCESSTOKEN";
    internal const string PipelinesOidcRequestUriVariable = "SYSTEM_OIDCREQUESTURI";

    /// <summary>
    /// Builds the credential for <paramref name="source"/>. Throws <see cref="ReleaseTargetsException"/> naming
    /// every missing setting when the source cannot work, before any token is requested.
    /// </summary>
    /// <param name="source">Which credential to use; see <see cref="CredentialSource"/> for what each needs.</param>
    /// <param name="redactor">The run's redactor: the secrets the credential is built from (client secret, access token, request token) are registered there.</param>
    /// <param name="tenantId">Entra tenant id; wins over AZURE_TENANT_ID (AZURESUBSCRIPTION_TENANT_ID for Azure Pipelines).</param>
    /// <param name="clientId">App registration client id; wins over AZURE_CLIENT_ID (AZURESUBSCRIPTION_CLIENT_ID for Azure Pipelines).</param>
    /// <param name="managedIdentityClientId">Client id of a user-assigned managed identity; <c>null</c> means system-assigned.</param>
    /// <param name="authorityHost">Entra authority host for sovereign clouds (e.g. <see cref="AzureAuthorityHosts.AzureChina"/>); <c>null</c> means the public cloud.</param>
    /// <param name="environment">Reads an environment variable; <c>null</c> reads the process environment.</param>
    public static TokenCredential Create(
        CredentialSource source,
        Redactor redactor,
        string? tenantId = null,
        string? clientId = null,
        string? managedIdentityClientId = null,
        Uri? authorityHost = null,
        Func<string, string?>? environment = null)
    {
        environment ??= System.Environment.GetEnvironmentVariable;
        var settings = new CredentialSettings(source, environment);

        switch (source)
        {
            case CredentialSource.Default:
            {
                // Only explicit values are set: the options already default to AZURE_TENANT_ID and
                // AZURE_CLIENT_ID from the process environment, and assigning null would clear them.
                var options = WithAuthority(new DefaultAzureCredentialOptions(), authorityHost);
                if (Trimmed(tenantId) is { } defaultTenantId)
                {
                    options.TenantId = defaultTenantId;
                }

                if (Trimmed(clientId) is { } defaultClientId)
                {
                    options.WorkloadIdentityClientId = defaultClientId;
                }

                if (Trimmed(managedIdentityClientId) is { } defaultManagedIdentityClientId)
                {
                    options.ManagedIdentityClientId = defaultManagedIdentityClientId;
                }

                return new DefaultAzureCredential(options);
            }

            case CredentialSource.AzureCli:
                // Only an explicit tenant: AZURE_TENANT_ID often belongs to another tool's service principal.
                return new AzureCliCredential(WithAuthority(new AzureCliCredentialOptions { TenantId = Trimmed(tenantId) }, authorityHost));

            case CredentialSource.WorkloadIdentity:
            {
                var workloadTenantId = settings.Require(TenantIdVariable, tenantId);
                var workloadClientId = settings.Require(ClientIdVariable, clientId);
                var tokenFile = settings.Require(FederatedTokenFileVariable);
                settings.ThrowIfMissing();
                return new WorkloadIdentityCredential(WithAuthority(
                    new WorkloadIdentityCredentialOptions { TenantId = workloadTenantId, ClientId = workloadClientId, TokenFilePath = tokenFile },
                    authorityHost));
            }

            case CredentialSource.ManagedIdentity:
                return new ManagedIdentityCredential(Trimmed(managedIdentityClientId) is { } userAssignedClientId
                    ? ManagedIdentityId.FromUserAssignedClientId(userAssignedClientId)
                    : ManagedIdentityId.SystemAssigned);

            case CredentialSource.Environment:
                // EnvironmentCredential reads the process environment itself; these checks only make the
                // failure early and complete.
                settings.Require(TenantIdVariable);
                settings.Require(ClientIdVariable);
                settings.RequireAny(ClientSecretVariable, ClientCertificatePathVariable);
                settings.ThrowIfMissing();
                redactor.Register(settings.Optional(ClientSecretVariable));
                return new EnvironmentCredential(WithAuthority(new TokenCredentialOptions(), authorityHost));

            case CredentialSource.AzurePipelines:
            {
                var pipelinesTenantId = settings.Require(PipelinesTenantIdVariable, tenantId);
                var pipelinesClientId = settings.Require(PipelinesClientIdVariable, clientId);
                var serviceConnectionId = settings.Require(PipelinesServiceConnectionIdVariable);
                settings.EndGroup("run inside an AzureCLI@2 or AzurePowerShell@5 task with a workload identity federation service connection");
                var accessToken = settings.Require(PipelinesAccessTokenVariable);
                settings.EndGroup("map it with 'env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)'");

                // The credential reads SYSTEM_OIDCREQUESTURI itself when asked for a token; check it now.
                settings.Require(PipelinesOidcRequestUriVariable);
                settings.EndGroup("set by the Azure Pipelines agent");
                settings.ThrowIfMissing();
                redactor.Register(accessToken);
                return new AzurePipelinesCredential(
                    pipelinesTenantId,
                    pipelinesClientId,
                    serviceConnectionId,
                    accessToken,
                    WithAuthority(new AzurePipelinesCredentialOptions(), authorityHost));
            }

            case CredentialSource.GitHubActions:
            {
                var requestUrl = settings.Require(GitHubActionsOidcCredential.RequestUrlVariable);
                var requestToken = settings.Require(GitHubActionsOidcCredential.RequestTokenVariable);
                settings.EndGroup("grant 'id-token: write' in the workflow's permissions");
                var gitHubClientId = settings.Require(ClientIdVariable, clientId);
                var gitHubTenantId = settings.Require(TenantIdVariable, tenantId);
                settings.ThrowIfMissing();
                if (!Uri.TryCreate(requestUrl, UriKind.Absolute, out var requestUri) || (requestUri.Scheme != Uri.UriSchemeHttps && requestUri.Scheme != Uri.UriSchemeHttp))
                {
                    throw new ReleaseTargetsException($"Credential 'GitHubActions' needs {GitHubActionsOidcCredential.RequestUrlVariable} to be an absolute http(s) URL; it is set by the runner, do not override it.");
                }

                return new GitHubActionsOidcCredential(
                    gitHubTenantId,
                    gitHubClientId,
                    requestUri,
                    requestToken,
                    redactor,
                    WithAuthority(new ClientAssertionCredentialOptions(), authorityHost));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown credential source.");
        }
    }

    /// <summary>
    /// Turns a failure to get a token into one line that names the source tried and what to set. Only
    /// Entra error codes (AADSTS…) and messages ReleaseTargets wrote itself are carried over, so neither a
    /// token nor a request token can reach the message; the original stays as the inner exception.
    /// </summary>
    public static ReleaseTargetsException DescribeFailure(CredentialSource source, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        var own = Chain(exception).OfType<ReleaseTargetsException>().FirstOrDefault();
        if (own is not null)
        {
            return new ReleaseTargetsException($"Credential '{source}' could not get a token: {own.Message}", exception);
        }

        var code = Chain(exception).Select(e => EntraErrorCode().Match(e.Message)).FirstOrDefault(m => m.Success)?.Value;
        var what = exception switch
        {
            CredentialUnavailableException => $"Credential '{source}' is not available here",
            AuthenticationFailedException when code is not null => $"Credential '{source}' was refused by Entra ID ({code}{ExplainCode(source, code)})",
            AuthenticationFailedException => $"Credential '{source}' failed to authenticate",
            _ => $"Credential '{source}' failed ({exception.GetType().Name}{(code is null ? string.Empty : ", " + code)})",
        };

        return new ReleaseTargetsException($"{what}; {WhatToSet(source)}.", exception);
    }

    private static string WhatToSet(CredentialSource source) => source switch
    {
        CredentialSource.Default => "sign in with 'az login', or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or choose a specific credential source",
        CredentialSource.AzureCli => "run 'az login' (with --tenant for another tenant) and make sure 'az' is on PATH",
        CredentialSource.WorkloadIdentity => "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE (the AKS workload identity webhook sets them for an annotated service account)",
        CredentialSource.ManagedIdentity => "run on an Azure host with a managed identity assigned, and pass the managed identity client id for a user-assigned identity",
        CredentialSource.Environment => "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH of a service principal that is valid",
        CredentialSource.AzurePipelines => "run inside an AzureCLI@2 task with a workload identity federation service connection and map 'SYSTEM_ACCESSTOKEN: $(System.AccessToken)'",
        CredentialSource.GitHubActions => "grant 'id-token: write' in the workflow's permissions and add a federated credential for this repository and branch or environment to the app AZURE_CLIENT_ID",
        _ => "choose a supported credential source",
    };

    // Codes seen in CI failures; the rest are named but not explained.
    // https://learn.microsoft.com/entra/identity-platform/reference-error-codes
    private static string ExplainCode(CredentialSource source, string code) => code switch
    {
        "AADSTS700024" when source == CredentialSource.GitHubActions => ": the ID token expired before it was exchanged; check the runner's clock",
        "AADSTS700024" => ": the client assertion expired before it was exchanged; on GitHub Actions use the GitHubActions source, which fetches a fresh ID token per assertion",
        "AADSTS70021" => ": no federated credential on the app matches this token's issuer, subject and audience",
        "AADSTS700016" => ": the client id is not an application in this tenant",
        "AADSTS90002" => ": the tenant id does not exist",
        "AADSTS7000215" => ": the client secret is wrong",
        "AADSTS7000222" => ": the client secret has expired",
        _ => string.Empty,
    };

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static T WithAuthority<T>(T options, Uri? authorityHost)
        where T : TokenCredentialOptions
    {
        if (authorityHost is not null)
        {
            options.AuthorityHost = authorityHost;
        }

        return options;
    }

    [GeneratedRegex(@"AADSTS\d+")]
    private static partial Regex EntraErrorCode();
}
