using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace ReleaseTargets.Push.Artifacts;

/// <summary>
/// MD5 (RFC 1321) of up to eight whole messages at once, one per 32-bit lane of a 256-bit vector (issue 23). MD5 is a
/// chain of dependent 32-bit steps, so one message cannot go faster than the library's scalar code (~750 MB/s here);
/// eight independent messages go through the same steps side by side. A release of many small files spends most of its
/// hashing on MD5 — the Content-MD5 every Put Blob carries — and this takes that share to about a fifth. Without vector
/// hardware each message goes to <see cref="MD5.HashData(ReadOnlySpan{byte})"/>; tests compare every result with it.
/// </summary>
internal static class Md5Lanes
{
    public const int Lanes = 8;

    private const int BlockBytes = 64;

    /// <summary>The MD5 of each message, in order.</summary>
    public static byte[][] Hash(IReadOnlyList<ReadOnlyMemory<byte>> messages) => Hash(messages, Vector256.IsHardwareAccelerated);

    /// <param name="messages">The messages.</param>
    /// <param name="lanes">Whether to use the vector lanes; false is what a machine without 256-bit vectors gets.</param>
    internal static byte[][] Hash(IReadOnlyList<ReadOnlyMemory<byte>> messages, bool lanes)
    {
        var digests = new byte[messages.Count][];
        if (!lanes)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                digests[i] = MD5.HashData(messages[i].Span);
            }

            return digests;
        }

        for (var first = 0; first < messages.Count; first += Lanes)
        {
            HashGroup(messages, first, Math.Min(Lanes, messages.Count - first), digests);
        }

        return digests;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HashGroup(IReadOnlyList<ReadOnlyMemory<byte>> messages, int first, int count, byte[][] digests)
    {
        // Each lane reads its message's whole blocks, then its padded tail (the last partial block, 0x80, zeros and the
        // length in bits: one or two blocks). A lane that has finished, or has no message, reads zeros and is ignored.
        var fullBlocks = new int[Lanes];
        var totalBlocks = new int[Lanes];
        var tails = new byte[Lanes][];
        var steps = 0;
        for (var lane = 0; lane < count; lane++)
        {
            var message = messages[first + lane].Span;
            fullBlocks[lane] = message.Length / BlockBytes;
            tails[lane] = Tail(message);
            totalBlocks[lane] = fullBlocks[lane] + (tails[lane].Length / BlockBytes);
            steps = Math.Max(steps, totalBlocks[lane]);
        }

        var zeros = new byte[BlockBytes];
        var a = Vector256.Create(0x67452301u);
        var b = Vector256.Create(0xefcdab89u);
        var c = Vector256.Create(0x98badcfeu);
        var d = Vector256.Create(0x10325476u);
        Span<uint> words = stackalloc uint[16 * Lanes];
        for (var step = 0; step < steps; step++)
        {
            for (var lane = 0; lane < Lanes; lane++)
            {
                ReadOnlySpan<byte> block = lane >= count || step >= totalBlocks[lane] ? zeros
                    : step < fullBlocks[lane] ? messages[first + lane].Span.Slice(step * BlockBytes, BlockBytes)
                    : tails[lane].AsSpan((step - fullBlocks[lane]) * BlockBytes, BlockBytes);
                Transpose(ref MemoryMarshal.GetReference(block), ref words[lane]);
            }

            Compress(ref a, ref b, ref c, ref d, ref MemoryMarshal.GetReference(words));
            for (var lane = 0; lane < count; lane++)
            {
                if (totalBlocks[lane] == step + 1)
                {
                    var digest = new byte[16];
                    BinaryPrimitives.WriteUInt32LittleEndian(digest, a.GetElement(lane));
                    BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(4), b.GetElement(lane));
                    BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(8), c.GetElement(lane));
                    BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(12), d.GetElement(lane));
                    digests[first + lane] = digest;
                }
            }
        }
    }

    // Optimized at once, every step written out with its constants: a fresh process would otherwise hash its first files in
    // unoptimized code (vector code is not precompiled, and a push is over before tiering promotes it).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress(ref Vector256<uint> a0, ref Vector256<uint> b0, ref Vector256<uint> c0, ref Vector256<uint> d0, ref uint w)
    {
        var (a, b, c, d) = (a0, b0, c0, d0);
        // Round 1: F = (B & C) | (~B & D)
        a = b + RotateLeft(a + ((b & c) | Vector256.AndNot(d, b)) + Vector256.Create(0xd76aa478u) + Word(ref w, 0), 7);
        d = a + RotateLeft(d + ((a & b) | Vector256.AndNot(c, a)) + Vector256.Create(0xe8c7b756u) + Word(ref w, 1), 12);
        c = d + RotateLeft(c + ((d & a) | Vector256.AndNot(b, d)) + Vector256.Create(0x242070dbu) + Word(ref w, 2), 17);
        b = c + RotateLeft(b + ((c & d) | Vector256.AndNot(a, c)) + Vector256.Create(0xc1bdceeeu) + Word(ref w, 3), 22);
        a = b + RotateLeft(a + ((b & c) | Vector256.AndNot(d, b)) + Vector256.Create(0xf57c0fafu) + Word(ref w, 4), 7);
        d = a + RotateLeft(d + ((a & b) | Vector256.AndNot(c, a)) + Vector256.Create(0x4787c62au) + Word(ref w, 5), 12);
        c = d + RotateLeft(c + ((d & a) | Vector256.AndNot(b, d)) + Vector256.Create(0xa8304613u) + Word(ref w, 6), 17);
        b = c + RotateLeft(b + ((c & d) | Vector256.AndNot(a, c)) + Vector256.Create(0xfd469501u) + Word(ref w, 7), 22);
        a = b + RotateLeft(a + ((b & c) | Vector256.AndNot(d, b)) + Vector256.Create(0x698098d8u) + Word(ref w, 8), 7);
        d = a + RotateLeft(d + ((a & b) | Vector256.AndNot(c, a)) + Vector256.Create(0x8b44f7afu) + Word(ref w, 9), 12);
        c = d + RotateLeft(c + ((d & a) | Vector256.AndNot(b, d)) + Vector256.Create(0xffff5bb1u) + Word(ref w, 10), 17);
        b = c + RotateLeft(b + ((c & d) | Vector256.AndNot(a, c)) + Vector256.Create(0x895cd7beu) + Word(ref w, 11), 22);
        a = b + RotateLeft(a + ((b & c) | Vector256.AndNot(d, b)) + Vector256.Create(0x6b901122u) + Word(ref w, 12), 7);
        d = a + RotateLeft(d + ((a & b) | Vector256.AndNot(c, a)) + Vector256.Create(0xfd987193u) + Word(ref w, 13), 12);
        c = d + RotateLeft(c + ((d & a) | Vector256.AndNot(b, d)) + Vector256.Create(0xa679438eu) + Word(ref w, 14), 17);
        b = c + RotateLeft(b + ((c & d) | Vector256.AndNot(a, c)) + Vector256.Create(0x49b40821u) + Word(ref w, 15), 22);
        // Round 2: G = (D & B) | (~D & C)
        a = b + RotateLeft(a + ((d & b) | Vector256.AndNot(c, d)) + Vector256.Create(0xf61e2562u) + Word(ref w, 1), 5);
        d = a + RotateLeft(d + ((c & a) | Vector256.AndNot(b, c)) + Vector256.Create(0xc040b340u) + Word(ref w, 6), 9);
        c = d + RotateLeft(c + ((b & d) | Vector256.AndNot(a, b)) + Vector256.Create(0x265e5a51u) + Word(ref w, 11), 14);
        b = c + RotateLeft(b + ((a & c) | Vector256.AndNot(d, a)) + Vector256.Create(0xe9b6c7aau) + Word(ref w, 0), 20);
        a = b + RotateLeft(a + ((d & b) | Vector256.AndNot(c, d)) + Vector256.Create(0xd62f105du) + Word(ref w, 5), 5);
        d = a + RotateLeft(d + ((c & a) | Vector256.AndNot(b, c)) + Vector256.Create(0x02441453u) + Word(ref w, 10), 9);
        c = d + RotateLeft(c + ((b & d) | Vector256.AndNot(a, b)) + Vector256.Create(0xd8a1e681u) + Word(ref w, 15), 14);
        b = c + RotateLeft(b + ((a & c) | Vector256.AndNot(d, a)) + Vector256.Create(0xe7d3fbc8u) + Word(ref w, 4), 20);
        a = b + RotateLeft(a + ((d & b) | Vector256.AndNot(c, d)) + Vector256.Create(0x21e1cde6u) + Word(ref w, 9), 5);
        d = a + RotateLeft(d + ((c & a) | Vector256.AndNot(b, c)) + Vector256.Create(0xc33707d6u) + Word(ref w, 14), 9);
        c = d + RotateLeft(c + ((b & d) | Vector256.AndNot(a, b)) + Vector256.Create(0xf4d50d87u) + Word(ref w, 3), 14);
        b = c + RotateLeft(b + ((a & c) | Vector256.AndNot(d, a)) + Vector256.Create(0x455a14edu) + Word(ref w, 8), 20);
        a = b + RotateLeft(a + ((d & b) | Vector256.AndNot(c, d)) + Vector256.Create(0xa9e3e905u) + Word(ref w, 13), 5);
        d = a + RotateLeft(d + ((c & a) | Vector256.AndNot(b, c)) + Vector256.Create(0xfcefa3f8u) + Word(ref w, 2), 9);
        c = d + RotateLeft(c + ((b & d) | Vector256.AndNot(a, b)) + Vector256.Create(0x676f02d9u) + Word(ref w, 7), 14);
        b = c + RotateLeft(b + ((a & c) | Vector256.AndNot(d, a)) + Vector256.Create(0x8d2a4c8au) + Word(ref w, 12), 20);
        // Round 3: H = B ^ C ^ D
        a = b + RotateLeft(a + (b ^ c ^ d) + Vector256.Create(0xfffa3942u) + Word(ref w, 5), 4);
        d = a + RotateLeft(d + (a ^ b ^ c) + Vector256.Create(0x8771f681u) + Word(ref w, 8), 11);
        c = d + RotateLeft(c + (d ^ a ^ b) + Vector256.Create(0x6d9d6122u) + Word(ref w, 11), 16);
        b = c + RotateLeft(b + (c ^ d ^ a) + Vector256.Create(0xfde5380cu) + Word(ref w, 14), 23);
        a = b + RotateLeft(a + (b ^ c ^ d) + Vector256.Create(0xa4beea44u) + Word(ref w, 1), 4);
        d = a + RotateLeft(d + (a ^ b ^ c) + Vector256.Create(0x4bdecfa9u) + Word(ref w, 4), 11);
        c = d + RotateLeft(c + (d ^ a ^ b) + Vector256.Create(0xf6bb4b60u) + Word(ref w, 7), 16);
        b = c + RotateLeft(b + (c ^ d ^ a) + Vector256.Create(0xbebfbc70u) + Word(ref w, 10), 23);
        a = b + RotateLeft(a + (b ^ c ^ d) + Vector256.Create(0x289b7ec6u) + Word(ref w, 13), 4);
        d = a + RotateLeft(d + (a ^ b ^ c) + Vector256.Create(0xeaa127fau) + Word(ref w, 0), 11);
        c = d + RotateLeft(c + (d ^ a ^ b) + Vector256.Create(0xd4ef3085u) + Word(ref w, 3), 16);
        b = c + RotateLeft(b + (c ^ d ^ a) + Vector256.Create(0x04881d05u) + Word(ref w, 6), 23);
        a = b + RotateLeft(a + (b ^ c ^ d) + Vector256.Create(0xd9d4d039u) + Word(ref w, 9), 4);
        d = a + RotateLeft(d + (a ^ b ^ c) + Vector256.Create(0xe6db99e5u) + Word(ref w, 12), 11);
        c = d + RotateLeft(c + (d ^ a ^ b) + Vector256.Create(0x1fa27cf8u) + Word(ref w, 15), 16);
        b = c + RotateLeft(b + (c ^ d ^ a) + Vector256.Create(0xc4ac5665u) + Word(ref w, 2), 23);
        // Round 4: I = C ^ (B | ~D)
        a = b + RotateLeft(a + (c ^ (b | ~d)) + Vector256.Create(0xf4292244u) + Word(ref w, 0), 6);
        d = a + RotateLeft(d + (b ^ (a | ~c)) + Vector256.Create(0x432aff97u) + Word(ref w, 7), 10);
        c = d + RotateLeft(c + (a ^ (d | ~b)) + Vector256.Create(0xab9423a7u) + Word(ref w, 14), 15);
        b = c + RotateLeft(b + (d ^ (c | ~a)) + Vector256.Create(0xfc93a039u) + Word(ref w, 5), 21);
        a = b + RotateLeft(a + (c ^ (b | ~d)) + Vector256.Create(0x655b59c3u) + Word(ref w, 12), 6);
        d = a + RotateLeft(d + (b ^ (a | ~c)) + Vector256.Create(0x8f0ccc92u) + Word(ref w, 3), 10);
        c = d + RotateLeft(c + (a ^ (d | ~b)) + Vector256.Create(0xffeff47du) + Word(ref w, 10), 15);
        b = c + RotateLeft(b + (d ^ (c | ~a)) + Vector256.Create(0x85845dd1u) + Word(ref w, 1), 21);
        a = b + RotateLeft(a + (c ^ (b | ~d)) + Vector256.Create(0x6fa87e4fu) + Word(ref w, 8), 6);
        d = a + RotateLeft(d + (b ^ (a | ~c)) + Vector256.Create(0xfe2ce6e0u) + Word(ref w, 15), 10);
        c = d + RotateLeft(c + (a ^ (d | ~b)) + Vector256.Create(0xa3014314u) + Word(ref w, 6), 15);
        b = c + RotateLeft(b + (d ^ (c | ~a)) + Vector256.Create(0x4e0811a1u) + Word(ref w, 13), 21);
        a = b + RotateLeft(a + (c ^ (b | ~d)) + Vector256.Create(0xf7537e82u) + Word(ref w, 4), 6);
        d = a + RotateLeft(d + (b ^ (a | ~c)) + Vector256.Create(0xbd3af235u) + Word(ref w, 11), 10);
        c = d + RotateLeft(c + (a ^ (d | ~b)) + Vector256.Create(0x2ad7d2bbu) + Word(ref w, 2), 15);
        b = c + RotateLeft(b + (d ^ (c | ~a)) + Vector256.Create(0xeb86d391u) + Word(ref w, 9), 21);

        a0 += a;
        b0 += b;
        c0 += c;
        d0 += d;
    }

    /// <summary>Spreads one lane's 64-byte block (16 little-endian words) into word-major order: word k goes to k × 8 + lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref byte block, ref uint lane)
    {
        for (var k = 0; k < 16; k++)
        {
            Unsafe.Add(ref lane, k * Lanes) = BinaryPrimitives.ReadUInt32LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref block, k * 4), 4));
        }
    }

    /// <summary>Message word <paramref name="index"/> of every lane's block (the words are stored word-major, lane-minor).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Word(ref uint w, int index) => Vector256.LoadUnsafe(ref w, (nuint)(index * Lanes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RotateLeft(Vector256<uint> x, int s) => Vector256.ShiftLeft(x, s) | Vector256.ShiftRightLogical(x, 32 - s);

    /// <summary>The message's last partial block followed by MD5's padding: one block, or two when the length field does not fit.</summary>
    private static byte[] Tail(ReadOnlySpan<byte> message)
    {
        var rest = message.Length % BlockBytes;
        var tail = new byte[rest < 56 ? BlockBytes : 2 * BlockBytes];
        message[^rest..].CopyTo(tail);
        tail[rest] = 0x80;
        BinaryPrimitives.WriteUInt64LittleEndian(tail.AsSpan(tail.Length - 8), (ulong)message.Length * 8);
        return tail;
    }
}
