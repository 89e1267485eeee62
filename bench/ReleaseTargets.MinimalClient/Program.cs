using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

// Usage: <container url with SAS> <azurite cert.pem> <prefix> <files> <bytes each> <concurrency> [block bytes]
// Puts <files> blobs <prefix>/f-<i>.bin of <bytes each> bytes over plain HttpClient, <concurrency> requests at a time, every
// body from one in-memory buffer: a file of up to <block bytes> (default 8 MiB, ReleaseTargets' block) in one Put Blob,
// a larger one as Put Blocks of that size (all files' blocks share the concurrency) and then one Put Block List. Prints
// "minimal main=<s> transfer=<s>": process start to Main, and the first request's start to the last response's end.
// Any answer but 201 fails the run: there are no retries, no conditions, and nothing is hashed on the clock: every body
// carries a Content-MD5 taken before it starts, because Azurite hashes a body that has none on a slower path (512 MiB in
// blocks: ~10 s without, ~5.4 s with), and the limit is the fastest form of request the server takes.
if (args.Length is not (6 or 7)
    || !int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out var files)
    || !long.TryParse(args[4], NumberStyles.None, CultureInfo.InvariantCulture, out var bytesEach)
    || !int.TryParse(args[5], NumberStyles.None, CultureInfo.InvariantCulture, out var concurrency))
{
    Console.Error.WriteLine("usage: ReleaseTargets.MinimalClient <container-sas-url> <cert.pem> <prefix> <files> <bytes-each> <concurrency> [block-bytes]");
    return 2;
}

var blockBytes = args.Length == 7 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 8 * 1024 * 1024;
var time = TimeProvider.System;
var toMain = time.GetUtcNow() - Process.GetCurrentProcess().StartTime.ToUniversalTime();
var container = new Uri(args[0]);
var pinned = X509Certificate2.CreateFromPem(File.ReadAllText(args[1])).RawData;
using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = concurrency,
    SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned) },
});
var body = new byte[Math.Min(bytesEach, blockBytes)];
Random.Shared.NextBytes(body);
var blocks = (int)((bytesEach + blockBytes - 1) / blockBytes);
var lastLength = (int)(bytesEach - ((long)(blocks - 1) * body.Length));
var (fullMd5, lastMd5) = (MD5.HashData(body), MD5.HashData(body.AsSpan(0, lastLength)));

HttpContent Body(int length)
{
    var content = new ByteArrayContent(body, 0, length);
    content.Headers.ContentMD5 = length == body.Length ? fullMd5 : lastMd5;
    return content;
}

Uri Blob(int file, string query) =>
    new UriBuilder(container) { Path = $"{container.AbsolutePath.TrimEnd('/')}/{args[2]}/f-{file:00000}.bin", Query = container.Query.TrimStart('?') + query }.Uri;

string BlockId(int block) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{block:000000}"));

async Task PutAsync(Uri uri, HttpContent content, bool blob, CancellationToken cancellationToken)
{
    using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = content };
    if (blob)
    {
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
    }

    request.Headers.Add("x-ms-version", "2025-11-05");
    using var response = await http.SendAsync(request, cancellationToken);
    if (response.StatusCode != HttpStatusCode.Created)
    {
        throw new InvalidOperationException($"PUT {uri.AbsolutePath} answered {(int)response.StatusCode}.");
    }
}

var started = time.GetTimestamp();
var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency };
if (blocks <= 1)
{
    await Parallel.ForEachAsync(Enumerable.Range(0, files), options, (i, ct) => new ValueTask(PutAsync(Blob(i, ""), Body(body.Length), blob: true, ct)));
}
else
{
    var staging = from file in Enumerable.Range(0, files) from block in Enumerable.Range(0, blocks) select (file, block);
    await Parallel.ForEachAsync(staging, options, (b, ct) =>
    {
        var length = b.block == blocks - 1 ? lastLength : body.Length;
        return new ValueTask(PutAsync(Blob(b.file, $"&comp=block&blockid={Uri.EscapeDataString(BlockId(b.block))}"), Body(length), blob: false, ct));
    });
    var list = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>" + string.Concat(Enumerable.Range(0, blocks).Select(b => $"<Latest>{BlockId(b)}</Latest>")) + "</BlockList>";
    await Parallel.ForEachAsync(Enumerable.Range(0, files), options, (i, ct) => new ValueTask(PutAsync(Blob(i, "&comp=blocklist"), new StringContent(list, Encoding.UTF8, "application/xml"), blob: false, ct)));
}

var transfer = time.GetElapsedTime(started);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"minimal main={toMain.TotalSeconds:0.000} transfer={transfer.TotalSeconds:0.000} allocated={GC.GetTotalAllocatedBytes() / 1048576.0:0.0}MiB jit={System.Runtime.JitInfo.GetCompiledMethodCount()}"));
return 0;
