namespace ReleaseTargets.Resilience;

/// <summary>What a failed storage request means for the push, decided only by <see cref="StorageFaultClassifier"/>.</summary>
internal enum FaultKind
{
    /// <summary>Not a storage fault the push knows how to handle: fail.</summary>
    Fatal,

    /// <summary>Throttling, server errors, timeouts, resets, transient 404 on block staging: back off and retry.</summary>
    Transient,

    /// <summary>400 Md5Mismatch: the body was corrupted on the way (or the file changed); send the same block again.</summary>
    ContentCorrupted,

    /// <summary>403 AuthenticationFailed: the SAS is no longer valid (expired or not yet valid); renew it in place and retry.</summary>
    CredentialExpired,

    /// <summary>
    /// 403 AuthorizationFailure: an expired SAS on Azurite, but on Azure also a firewall / network-rule denial or a
    /// request outside the SAS's container. Renewed once; a fresh SAS getting the same answer ends the push.
    /// </summary>
    CredentialRejected,

    /// <summary>403 meaning the SAS lacks a permission: fail fast, renewing cannot help.</summary>
    PermissionDenied,

    /// <summary>404 ContainerNotFound: the release container is missing.</summary>
    ContainerNotFound,

    /// <summary>404 for a blob read outside block staging: the blob is not there.</summary>
    NotFound,

    /// <summary>409 BlobAlreadyExists / 412 ConditionNotMet: a conditional create found the blob already written.</summary>
    AlreadyExists,

    /// <summary>400 InvalidBlockList: a block the commit names is not staged; re-list and re-stage.</summary>
    InvalidBlockList,

    /// <summary>
    /// The endpoint accepted the connection and then went silent: no progress on the request and no response headers
    /// within <see cref="PushRetryOptions.ResponseTimeout"/>. Retried at most <see cref="PushRetryOptions.UnresponsiveRetries"/>
    /// times, then the push stops: every other request would hang the same way.
    /// </summary>
    Unresponsive,

    /// <summary>
    /// The TLS handshake failed on the server's certificate (untrusted root, name mismatch, expired): a missing CA or a man
    /// in the middle. Never retried: a retry cannot make a certificate trusted.
    /// </summary>
    CertificateRejected,
}
