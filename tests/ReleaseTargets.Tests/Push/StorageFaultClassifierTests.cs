using Azure;
using Polly.Timeout;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Tests.Push;

public sealed class StorageFaultClassifierTests
{
    [Theory]
    [InlineData(503, "ServerBusy", false, FaultKind.Transient)]
    [InlineData(500, "InternalError", false, FaultKind.Transient)]
    [InlineData(500, "OperationTimedOut", false, FaultKind.Transient)]
    [InlineData(429, null, false, FaultKind.Transient)]
    [InlineData(408, null, false, FaultKind.Transient)]
    [InlineData(404, "BlobNotFound", true, FaultKind.Transient)]
    [InlineData(404, "BlobNotFound", false, FaultKind.NotFound)]
    [InlineData(404, "ContainerNotFound", true, FaultKind.ContainerNotFound)]
    [InlineData(403, "AuthenticationFailed", false, FaultKind.CredentialExpired)]
    [InlineData(403, "AuthorizationFailure", true, FaultKind.CredentialRejected)]
    [InlineData(403, "AuthorizationPermissionMismatch", true, FaultKind.PermissionDenied)]
    [InlineData(400, "Md5Mismatch", true, FaultKind.ContentCorrupted)]
    [InlineData(400, "InvalidBlockList", false, FaultKind.InvalidBlockList)]
    [InlineData(400, "InvalidHeaderValue", false, FaultKind.Fatal)]
    [InlineData(409, "BlobAlreadyExists", false, FaultKind.AlreadyExists)]
    [InlineData(412, "ConditionNotMet", false, FaultKind.AlreadyExists)]
    [InlineData(409, "ContainerBeingDeleted", false, FaultKind.Fatal)]
    public void Classify_StatusAndErrorCode_DecideTheKind(int status, string? code, bool staging, object expectedKind)
    {
        var expected = (FaultKind)expectedKind;
        var exception = new RequestFailedException(status, "message text is never read", code, null);

        Assert.Equal(expected, StorageFaultClassifier.Classify(exception, staging));
    }

    [Fact]
    public void Classify_SameCodeDifferentMessage_SameKind()
    {
        var azure = new RequestFailedException(403, "Signature not valid in the specified time frame", "AuthenticationFailed", null);
        var other = new RequestFailedException(403, "Server failed to authenticate the request.", "AuthenticationFailed", null);

        Assert.Equal(StorageFaultClassifier.Classify(azure), StorageFaultClassifier.Classify(other));
    }

    [Fact]
    public void Classify_TransportFailures_AreTransient()
    {
        Assert.Equal(FaultKind.Transient, StorageFaultClassifier.Classify(new IOException("reset")));
        Assert.Equal(FaultKind.Transient, StorageFaultClassifier.Classify(new HttpRequestException("reset")));
        Assert.Equal(FaultKind.Transient, StorageFaultClassifier.Classify(new TimeoutRejectedException()));
        Assert.Equal(FaultKind.Transient, StorageFaultClassifier.Classify(new AggregateException(new RequestFailedException("x"), new IOException("reset"))));
        Assert.Equal(FaultKind.Fatal, StorageFaultClassifier.Classify(new InvalidOperationException("bug")));
    }

    [Fact]
    public void IsUnreachable_ConnectionRefusedInsideTheSdkException_IsTheEndpointNotAnAnswer()
    {
        var refused = new RequestFailedException("Connection refused (127.0.0.1:1)", new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));

        Assert.True(StorageFaultClassifier.IsUnreachable(refused));
        Assert.False(StorageFaultClassifier.IsUnreachable(new RequestFailedException(503, "busy", "ServerBusy", null)));
    }
}
