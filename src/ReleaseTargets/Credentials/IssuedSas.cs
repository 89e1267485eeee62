namespace ReleaseTargets.Credentials;

/// <summary>A minted SAS and the window it is valid for. <see cref="ToString"/> never shows the token.</summary>
internal sealed class IssuedSas(string token, SasWindow window)
{
    /// <summary>The SAS query string (secret; registered with the redactor when minted).</summary>
    internal string Token { get; } = token;

    public SasWindow Window { get; } = window;

    public override string ToString() => Window.Describe();
}
