using System.Text.Json;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// A publication document as the UTF-8 bytes that are uploaded, in one array of exactly their length. A claim or manifest
/// of 16,000 artifacts is megabytes: written as a string (UTF-16, twice its bytes), through the serializer's growing pooled
/// buffer and then copied to UTF-8, it was held about four times over at once, all on the large-object heap, which only a
/// full collection frees — so each such document raised the push's peak memory by ~1.3 KiB per artifact. A first pass that
/// only counts the bytes (the serializer streams to it in small chunks) sizes the array the second pass writes into.
/// </summary>
internal static class Utf8Document
{
    public static BinaryData Serialize<T>(T value, JsonSerializerOptions options)
    {
        var counter = new CountingStream();
        JsonSerializer.Serialize(counter, value, options);
        var bytes = new byte[checked((int)counter.Length)];
        using var exact = new MemoryStream(bytes, writable: true);
        JsonSerializer.Serialize(exact, value, options);
        return exact.Position == bytes.Length
            ? new BinaryData(bytes)
            : throw new InvalidOperationException($"A {typeof(T).Name} serialized to {counter.Length} bytes, then to {exact.Position}.");
    }

    /// <summary>A stream that keeps nothing: it counts what is written to it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
