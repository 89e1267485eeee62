namespace ReleaseTargets.Push;

/// <summary>One block of a <see cref="BlockPlan"/>: its base64 ID and the byte range of the file it holds.</summary>
public sealed record PlannedBlock(int Index, string Id, long Offset, int Length);
