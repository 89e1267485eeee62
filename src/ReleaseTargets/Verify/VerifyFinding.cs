namespace ReleaseTargets.Verify;

/// <summary>One thing that is wrong with a published release.</summary>
/// <param name="Name">What it is about: an artifact's name in the release, the manifest's file name, or <c>shard 'x'</c>.</param>
/// <param name="Problem">What is wrong, worded to follow the quoted name.</param>
public sealed record VerifyFinding(string Name, string Problem);
