using ReleaseTargets.Diagnostics;
using Azure.Core;
using Azure.Identity;
using ReleaseTargets.Credentials;

namespace ReleaseTargets.Tests.Credentials;

public sealed class TokenCredentialFactoryTests
{
    private const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string ClientId = "0b1f7f4e-5a9a-4d8e-9c3b-3f0d2c1e6a55";

    private static readonly Dictionary<string, string> GitHubEnvironment = new()
    {
        ["ACTIONS_ID_TOKEN_REQUEST_URL"] = "https://runner.example/idtoken?api-version=2.0",
        ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "ghs-request-" + Guid.NewGuid().ToString("N"),
        ["AZURE_TENANT_ID"] = TenantId,
        ["AZURE_CLIENT_ID"] = ClientId,
    };

    private static readonly Dictionary<string, string> PipelinesEnvironment = new()
    {
        ["AZURESUBSCRIPTION_TENANT_ID"] = TenantId,
        ["AZURESUBSCRIPTION_CLIENT_ID"] = ClientId,
        ["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"] = "5b7a6e0c-1f4d-4c2b-9a8e-3d2f1e0c9b8a",
        ["SYSTEM_ACCESSTOKEN"] = "ado-" + Guid.NewGuid().ToString("N"),
        ["SYSTEM_OIDCREQUESTURI"] = "https://dev.azure.com/org/project/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken",
    };

    private static readonly Dictionary<string, string> FullEnvironment = new(
        GitHubEnvironment
            .Concat(PipelinesEnvironment)
            .Append(new("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token"))
            .Append(new("AZURE_CLIENT_SECRET", "secret-" + Guid.NewGuid().ToString("N"))));

    public static TheoryData<CredentialSource, Type> Mappings => new()
    {
        { CredentialSource.Default, typeof(DefaultAzureCredential) },
        { CredentialSource.AzureCli, typeof(AzureCliCredential) },
        { CredentialSource.WorkloadIdentity, typeof(WorkloadIdentityCredential) },
        { CredentialSource.ManagedIdentity, typeof(ManagedIdentityCredential) },
        { CredentialSource.Environment, typeof(EnvironmentCredential) },
        { CredentialSource.AzurePipelines, typeof(AzurePipelinesCredential) },
        { CredentialSource.GitHubActions, typeof(GitHubActionsOidcCredential) },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void Create_EachSource_BuildsItsAzureIdentityCredential(CredentialSource source, Type expected)
    {
        var credential = TokenCredentialFactory.Create(source, new Redactor(), environment: FullEnvironment.GetValueOrDefault);

        Assert.IsType(expected, credential);
    }

    [Fact]
    public void Create_EveryEnumValue_IsMapped()
    {
        var mapped = Mappings.Select(row => (CredentialSource)row[0]).ToHashSet();

        Assert.Equal(Enum.GetValues<CredentialSource>().ToHashSet(), mapped);
    }

    [Fact]
    public void Create_GitHubActionsWithNothingSet_NamesEveryMissingVariableInOneLine()
    {
        var exception = Assert.Throws<ReleaseTargetsException>(() => TokenCredentialFactory.Create(CredentialSource.GitHubActions, new Redactor(), environment: _ => null));

        Assert.Equal(
            "Credential 'GitHubActions' needs ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN (grant 'id-token: write' in the workflow's permissions) and AZURE_CLIENT_ID, AZURE_TENANT_ID.",
            exception.Message);
    }

    [Fact]
    public void Create_GitHubActionsWithoutIdTokenPermission_NamesOnlyTheRunnerVariables()
    {
        var environment = Without(GitHubEnvironment, "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN");

        var exception = Assert.Throws<ReleaseTargetsException>(() => TokenCredentialFactory.Create(CredentialSource.GitHubActions, new Redactor(), environment: environment.GetValueOrDefault));

        Assert.Equal(
            "Credential 'GitHubActions' needs ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN (grant 'id-token: write' in the workflow's permissions).",
            exception.Message);
    }

    [Fact]
    public void Create_GitHubActionsWithExplicitIds_DoesNotNeedAzureVariables()
    {
        var environment = Without(GitHubEnvironment, "AZURE_TENANT_ID", "AZURE_CLIENT_ID");

        var credential = TokenCredentialFactory.Create(CredentialSource.GitHubActions, new Redactor(), tenantId: TenantId, clientId: ClientId, environment: environment.GetValueOrDefault);

        var gitHub = Assert.IsType<GitHubActionsOidcCredential>(credential);
        Assert.Equal("https://runner.example/idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange", gitHub.IdTokenUrl.AbsoluteUri);
    }

    [Fact]
    public void Create_GitHubActionsWithRelativeRequestUrl_ThrowsClearError()
    {
        var environment = new Dictionary<string, string>(GitHubEnvironment) { ["ACTIONS_ID_TOKEN_REQUEST_URL"] = "idtoken" };

        var exception = Assert.Throws<ReleaseTargetsException>(() => TokenCredentialFactory.Create(CredentialSource.GitHubActions, new Redactor(), environment: environment.GetValueOrDefault));

        Assert.Equal("Credential 'GitHubActions' needs ACTIONS_ID_TOKEN_REQUEST_URL to be an absolute http(s) URL; it is set by the runner, do not override it.", exception.Message);
    }

    [Fact]
    public void Create_AzurePipelinesWithNothingSet_NamesEveryMissingVariableInOneLine()
    {
        var exception = Assert.Throws<ReleaseTargetsException>(() => TokenCredentialFactory.Create(CredentialSource.AzurePipelines, new Redactor(), environment: _ => null));

        Assert.Equal(
            "Credential 'AzurePipelines' needs AZURESUBSCRIPTION_TENANT_ID, AZURESUBSCRIPTION_CLIENT_ID, AZURESUBSCRIPTION_SERVICE_CONNECTION_ID (run inside an AzureCLI@2 or AzurePowerShell@5 task with a workload identity federation service connection) and SYSTEM_ACCESSTOKEN (map it with 'env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)') and SYSTEM_OIDCREQUESTURI (set by the Azure Pipelines agent).",
            exception.Message);
        Assert.DoesNotContain(Environment.NewLine, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AzurePipelinesWithoutAccessToken_NamesOnlyTheAccessToken()
    {
        var environment = Without(PipelinesEnvironment, "SYSTEM_ACCESSTOKEN");

        var exception = Assert.Throws<ReleaseTargetsException>(() => TokenCredentialFactory.Create(CredentialSource.AzurePipelines, new Redactor(), environment: environment.GetValueOrDefault));

        Assert.Equal("Credential 'AzurePipelines' needs SYSTEM_ACCESSTOKEN (map it with 'env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)').", exception.Message);
    }

    [Fact]
    public void Create_WorkloadIdentityWithoutTokenFile_NamesIt()
    {
        var exception = Assert.Throws<ReleaseTargetsException>(() => TokenCredentialFactory.Create(CredentialSource.WorkloadIdentity, new Redactor(), TenantId, ClientId, environment: _ => null));

        Assert.Equal("Credential 'WorkloadIdentity' needs AZURE_FEDERATED_TOKEN_FILE.", exception.Message);
    }

    [Fact]
    public void Create_EnvironmentWithoutSecretOrCertificate_NamesBothAlternatives()
    {
        var environment = new Dictionary<string, string> { ["AZURE_TENANT_ID"] = TenantId, ["AZURE_CLIENT_ID"] = ClientId };

        var exception = Assert.Throws<ReleaseTargetsException>(() => TokenCredentialFactory.Create(CredentialSource.Environment, new Redactor(), environment: environment.GetValueOrDefault));

        Assert.Equal("Credential 'Environment' needs AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.", exception.Message);
    }

    [Theory]
    [InlineData(CredentialSource.Default)]
    [InlineData(CredentialSource.AzureCli)]
    [InlineData(CredentialSource.ManagedIdentity)]
    public void Create_SourcesWithoutRequiredSettings_BuildWithEmptyEnvironment(CredentialSource source)
    {
        var credential = TokenCredentialFactory.Create(source, new Redactor(), environment: _ => null);

        Assert.NotNull(credential);
    }

    [Fact]
    public void DescribeFailure_CredentialUnavailable_NamesSourceAndWhatToSet()
    {
        var failure = new CredentialUnavailableException("AzureCliCredential authentication failed: Azure CLI not installed");

        var described = TokenCredentialFactory.DescribeFailure(CredentialSource.AzureCli, failure);

        Assert.Equal("Credential 'AzureCli' is not available here; run 'az login' (with --tenant for another tenant) and make sure 'az' is on PATH.", described.Message);
        Assert.Same(failure, described.InnerException);
    }

    [Fact]
    public void DescribeFailure_AuthenticationFailedWithToken_NamesTheCodeAndNeverTheToken()
    {
        var token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJl";
        var failure = new AuthenticationFailedException($"ClientAssertionCredential authentication failed: AADSTS70021: No matching federated identity record found for presented assertion {token}.");

        var described = TokenCredentialFactory.DescribeFailure(CredentialSource.GitHubActions, failure);

        Assert.Equal(
            "Credential 'GitHubActions' was refused by Entra ID (AADSTS70021: no federated credential on the app matches this token's issuer, subject and audience); grant 'id-token: write' in the workflow's permissions and add a federated credential for this repository and branch or environment to the app AZURE_CLIENT_ID.",
            described.Message);
        Assert.DoesNotContain(token, described.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeFailure_ExpiredAssertionFromEntra_ExplainsAadsts700024()
    {
        await using var gitHub = await GitHubTokenEndpointStandIn.StartAsync();
        await using var entra = await EntraTokenEndpointStandIn.StartAsync(errorCode: 700024);
        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, gitHub.RequestUrl, gitHub.RequestToken, new Redactor(), entra.CredentialOptions());

        var failure = await Assert.ThrowsAsync<AuthenticationFailedException>(
            async () => await credential.GetTokenAsync(new TokenRequestContext(["https://storage.azure.com/.default"]), CancellationToken.None));
        var described = TokenCredentialFactory.DescribeFailure(CredentialSource.GitHubActions, failure);

        Assert.StartsWith("Credential 'GitHubActions' was refused by Entra ID (AADSTS700024: the ID token expired before it was exchanged; check the runner's clock); ", described.Message);
        Assert.DoesNotContain(gitHub.Issued.Single(), described.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeFailure_GitHubEndpointRejectsRequestToken_CarriesTheStatusCodeThroughGetTokenAsync()
    {
        await using var gitHub = await GitHubTokenEndpointStandIn.StartAsync();
        await using var entra = await EntraTokenEndpointStandIn.StartAsync();
        var wrongToken = "ghs-wrong-" + Guid.NewGuid().ToString("N");
        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, gitHub.RequestUrl, wrongToken, new Redactor(), entra.CredentialOptions());

        var failure = await Assert.ThrowsAsync<AuthenticationFailedException>(
            async () => await credential.GetTokenAsync(new TokenRequestContext(["https://storage.azure.com/.default"]), CancellationToken.None));
        var described = TokenCredentialFactory.DescribeFailure(CredentialSource.GitHubActions, failure);

        Assert.StartsWith("Credential 'GitHubActions' could not get a token: The GitHub Actions ID token endpoint at ", described.Message);
        Assert.Contains("answered HTTP 401 (Unauthorized)", described.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongToken, described.Message, StringComparison.Ordinal);
        Assert.Empty(entra.Assertions);
    }

    private static Dictionary<string, string> Without(Dictionary<string, string> environment, params string[] names)
        => environment.Where(pair => !names.Contains(pair.Key)).ToDictionary();
}
