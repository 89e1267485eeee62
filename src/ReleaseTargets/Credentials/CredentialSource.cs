namespace ReleaseTargets.Credentials;

/// <summary>
/// Where RefreshCredentials gets its Entra ID token. <see cref="TokenCredentialFactory.Create"/> turns a
/// source into an Azure.Identity credential and, for sources that need settings, checks them before any
/// token is requested. An explicit tenant or client id passed to the factory wins over the environment.
/// </summary>
public enum CredentialSource
{
    /// <summary>
    /// <c>DefaultAzureCredential</c>: tries environment, workload identity, managed identity, Visual Studio,
    /// Azure CLI, Azure PowerShell and Azure Developer CLI in turn. Needs nothing up front, which is also why
    /// its failures are the hardest to read; pick a specific source in CI. It reads the process environment
    /// itself (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_FEDERATED_TOKEN_FILE, ...).
    /// </summary>
    Default,

    /// <summary>
    /// <c>AzureCliCredential</c>: the account signed in with <c>az login</c> (the <c>az</c> executable must be
    /// on PATH). Optional tenant id. No environment variables.
    /// </summary>
    AzureCli,

    /// <summary>
    /// <c>WorkloadIdentityCredential</c> (Kubernetes workload identity federation): needs AZURE_TENANT_ID,
    /// AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE, which the AKS workload identity webhook injects.
    /// </summary>
    WorkloadIdentity,

    /// <summary>
    /// <c>ManagedIdentityCredential</c> on an Azure host (VM, App Service, Container Apps, ...): the
    /// system-assigned identity, or a user-assigned one when a managed identity client id is given.
    /// No environment variables.
    /// </summary>
    ManagedIdentity,

    /// <summary>
    /// <c>EnvironmentCredential</c> (a service principal): needs AZURE_TENANT_ID, AZURE_CLIENT_ID and either
    /// AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (optionally AZURE_CLIENT_CERTIFICATE_PASSWORD).
    /// Reads only the process environment; explicit ids are not used.
    /// </summary>
    Environment,

    /// <summary>
    /// <c>AzurePipelinesCredential</c> (workload identity federation through an Azure DevOps service
    /// connection): needs AZURESUBSCRIPTION_TENANT_ID, AZURESUBSCRIPTION_CLIENT_ID and
    /// AZURESUBSCRIPTION_SERVICE_CONNECTION_ID (set inside an AzureCLI@2 or AzurePowerShell@5 task),
    /// SYSTEM_ACCESSTOKEN (map it explicitly: <c>env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)</c>) and
    /// SYSTEM_OIDCREQUESTURI (set by the agent).
    /// </summary>
    AzurePipelines,

    /// <summary>
    /// <see cref="GitHubActionsOidcCredential"/> (GitHub Actions OIDC federation): needs
    /// ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (present only when the workflow grants
    /// <c>permissions: id-token: write</c>), AZURE_TENANT_ID and AZURE_CLIENT_ID. A fresh GitHub ID token is
    /// fetched for every assertion, so long jobs do not hit AADSTS700024.
    /// </summary>
    GitHubActions,
}
