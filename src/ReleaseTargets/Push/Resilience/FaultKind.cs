namespace ReleaseTargets.Push;

/// <summary>What a failed storage request means for the push, decided only by <see cref="StorageFaultClassifier"/>.</summary>
public enum FaultKind
{
    /// <summary>Not a storage fault the push knows how to handle: fail.</summary>
    Fatal,

    /// <summary>Throttling, server errors, timeouts, resets, transient 404 on block staging: back off and retry.</summary>
    Transient,

    /// <summary>400 Md5Mismatch: the body was corrupted on the way; send the same block again.</summary>
    ContentCorrupted,

    /// <summary>403 meaning the SAS is no longer valid (expired or not yet valid): renew it in place and retry.</summary>
    CredentialExpired,

    /// <summary>403 meaning the SAS lacks a permission: fail fast, renewing cannot help.</summary>
    PermissionDenied,

    /// <summary>404 ContainerNotFound: the release container is missing.</summary>
    ContainerNotFound,

    /// <summary>400 InvalidBlockList: a block the commit names is not staged; re-list and re-stage.</summary>
    InvalidBlockList,
}
