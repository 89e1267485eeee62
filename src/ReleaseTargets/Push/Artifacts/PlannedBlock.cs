namespace ReleaseTargets.Push.Artifacts;

/// <summary>One block of a <see cref="BlockPlan"/>: its base64 ID, the byte range of the file it holds, and the MD5 those bytes had when hashed.</summary>
internal sealed record PlannedBlock(int Index, string Id, long Offset, int Length, byte[] Md5);
