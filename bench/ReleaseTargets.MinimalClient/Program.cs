using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

// Usage: <container url with SAS> <azurite cert.pem> <prefix> <files> <bytes each> <concurrency>
// Puts <files> blobs <prefix>/f-<i>.bin of <bytes each> bytes, all from one in-memory buffer, <concurrency> at a time, one
// Put Blob each over plain HttpClient. Prints "minimal main=<s> transfer=<s>": process start to Main, and the first
// request's start to the last response's end. Any answer but 201 fails the run: there are no retries.
if (args.Length != 6
    || !int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out var files)
    || !int.TryParse(args[4], NumberStyles.None, CultureInfo.InvariantCulture, out var bytesEach)
    || !int.TryParse(args[5], NumberStyles.None, CultureInfo.InvariantCulture, out var concurrency))
{
    Console.Error.WriteLine("usage: ReleaseTargets.MinimalClient <container-sas-url> <cert.pem> <prefix> <files> <bytes-each> <concurrency>");
    return 2;
}

var time = TimeProvider.System;
var toMain = time.GetUtcNow() - Process.GetCurrentProcess().StartTime.ToUniversalTime();
var container = new Uri(args[0]);
var pinned = X509Certificate2.CreateFromPem(File.ReadAllText(args[1])).RawData;
using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = concurrency,
    SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned) },
});
var body = new byte[bytesEach];
Random.Shared.NextBytes(body);

var started = time.GetTimestamp();
await Parallel.ForEachAsync(Enumerable.Range(0, files), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
{
    var blob = new UriBuilder(container) { Path = $"{container.AbsolutePath.TrimEnd('/')}/{args[2]}/f-{i:00000}.bin" }.Uri;
    using var request = new HttpRequestMessage(HttpMethod.Put, blob) { Content = new ByteArrayContent(body) };
    request.Headers.Add("x-ms-blob-type", "BlockBlob");
    request.Headers.Add("x-ms-version", "2025-11-05");
    using var response = await http.SendAsync(request, ct);
    if (response.StatusCode != HttpStatusCode.Created)
    {
        throw new InvalidOperationException($"Put Blob {i} answered {(int)response.StatusCode}.");
    }
});
var transfer = time.GetElapsedTime(started);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"minimal main={toMain.TotalSeconds:0.000} transfer={transfer.TotalSeconds:0.000} allocated={GC.GetTotalAllocatedBytes() / 1048576.0:0.0}MiB jit={System.Runtime.JitInfo.GetCompiledMethodCount()}"));
return 0;
