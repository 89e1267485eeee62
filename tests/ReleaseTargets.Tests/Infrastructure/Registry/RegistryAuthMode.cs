namespace ReleaseTargets.Tests.Infrastructure.Registry;

/// <summary>How a test <see cref="DockerRegistry"/> authenticates clients.</summary>
public enum RegistryAuthMode
{
    None,

    /// <summary><c>auth.htpasswd</c> with a bcrypt file made by <c>htpasswd -Bbn</c>.</summary>
    Basic,

    /// <summary><c>auth.token</c> against a <see cref="TokenServer"/> (RS256 JWTs with an <c>x5c</c> header).</summary>
    Token,
}
