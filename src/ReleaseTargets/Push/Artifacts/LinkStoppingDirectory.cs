using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace ReleaseTargets.Push.Artifacts;

/// <summary>
/// A directory as the glob matcher sees it, except that it never looks inside a symbolically linked folder: when the
/// matcher wants to descend into one, the link is recorded (so discovery refuses it once, naming it) and it appears
/// empty. Nothing outside the artifacts folder is ever enumerated, and a link cycle cannot loop.
/// </summary>
internal sealed class LinkStoppingDirectory(DirectoryInfo directory, LinkStoppingDirectory? parent, ICollection<DirectoryInfo> linksEntered) : DirectoryInfoBase
{
    public override string Name => directory.Name;

    public override string FullName => directory.FullName;

    public override DirectoryInfoBase? ParentDirectory => parent;

    public override IEnumerable<FileSystemInfoBase> EnumerateFileSystemInfos()
    {
        if (directory.LinkTarget is not null)
        {
            lock (linksEntered)
            {
                linksEntered.Add(directory);
            }

            yield break;
        }

        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            yield return entry switch
            {
                DirectoryInfo child => new LinkStoppingDirectory(child, this, linksEntered),
                FileInfo file => new FileInfoWrapper(file),
                _ => throw new InvalidOperationException($"Unexpected entry '{entry.FullName}'."),
            };
        }
    }

    public override DirectoryInfoBase GetDirectory(string path) =>
        new LinkStoppingDirectory(new DirectoryInfo(Path.Combine(directory.FullName, path)), this, linksEntered);

    public override FileInfoBase GetFile(string path) => new FileInfoWrapper(new FileInfo(Path.Combine(directory.FullName, path)));
}
