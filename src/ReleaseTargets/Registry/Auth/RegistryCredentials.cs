using Azure.Core;

namespace ReleaseTargets.Registry.Auth;

/// <summary>
/// What the registry push authenticates with: a user name and password (basic auth, or the credentials a bearer token
/// endpoint is asked with), or, for Azure Container Registry, an Entra token credential exchanged for ACR tokens.
/// Never printed: <see cref="ToString"/> names only the kind; the authenticator that uses them registers them with the
/// run's redactor (<see cref="RegisterWith"/>).
/// </summary>
internal sealed class RegistryCredentials
{
    public RegistryCredentials(string? username = null, string? password = null, TokenCredential? entraCredential = null)
    {
        Username = string.IsNullOrEmpty(username) ? null : username;
        Password = string.IsNullOrEmpty(password) ? null : password;
        EntraCredential = entraCredential;
        if (HasPassword)
        {
            BasicParameter = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{Password}"));
        }
    }

    public static RegistryCredentials Anonymous { get; } = new();

    public string? Username { get; }

    public string? Password { get; }

    /// <summary>For Azure Container Registry: the same Entra credential sources the blob push uses.</summary>
    public TokenCredential? EntraCredential { get; }

    public bool HasPassword => Username is not null && Password is not null;

    /// <summary>The <c>Basic</c> header's parameter, base64 of <c>user:password</c>, when both are set.</summary>
    internal string? BasicParameter { get; }

    /// <summary>Registers the password (and, with a user name, the pair and its base64) with <paramref name="redactor"/>.</summary>
    public void RegisterWith(Diagnostics.Redactor redactor)
    {
        if (HasPassword)
        {
            redactor.RegisterBasicCredentials(Username!, Password!);
        }
        else
        {
            redactor.Register(Password);
        }
    }

    public override string ToString() => EntraCredential is not null ? "Entra ID (ACR token exchange)" : HasPassword ? $"user '{Username}'" : "anonymous";
}
