using System.Security.Cryptography;

namespace TitleEval.Cases.EventStore.Audit;

/// <summary>
/// The hashes of an RFC 6962 Merkle tree (§2.1): a leaf is SHA-256(0x00 ‖ leaf bytes), an inner node SHA-256(0x01 ‖ left ‖ right).
/// The two prefixes keep a leaf from ever being passed off as a node (second-preimage resistance).
/// Span-based so that the verifier hashes a million leaves without allocating per leaf.
/// </summary>
public static class Merkle
{
    public const int HashSize = 32;

    /// <summary>The root of the empty tree: SHA-256 of no bytes.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static void LeafHash(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        LeafHash(hash, leaf, destination);
    }

    /// <summary>As <see cref="LeafHash(ReadOnlySpan{byte}, Span{byte})"/> with a caller-owned hasher, reused across leaves.</summary>
    public static void LeafHash(IncrementalHash hash, ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        ReadOnlySpan<byte> prefix = [0x00];
        hash.AppendData(prefix);
        hash.AppendData(leaf);
        hash.GetHashAndReset(destination);
    }

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var result = new byte[HashSize];
        LeafHash(leaf, result);
        return result;
    }

    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        SHA256.HashData(buffer, destination);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[HashSize];
        NodeHash(left, right, result);
        return result;
    }

    /// <summary>The largest power of two strictly less than <paramref name="n"/> (n ≥ 2): where RFC 6962 splits a tree of n leaves.</summary>
    public static long Split(long n) => n < 2 ? throw new ArgumentOutOfRangeException(nameof(n)) : 1L << (63 - (int)long.LeadingZeroCount(n - 1));

    /// <summary>True when <paramref name="n"/> is a power of two (1, 2, 4, …).</summary>
    public static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;
}

/// <summary>
/// Computes a root from leaf hashes arriving in order, keeping only the roots of the complete subtrees on the right
/// edge (one per set bit of the count): O(log n) memory for any number of leaves.
/// </summary>
public sealed class StreamingMerkleRoot
{
    // stack[i] is the root of a complete subtree of 2^levels[i] leaves; levels strictly decrease from bottom to top.
    private readonly byte[] stack = new byte[64 * Merkle.HashSize];
    private readonly int[] levels = new int[64];
    private int depth;

    public long Count { get; private set; }

    public void AddLeafHash(ReadOnlySpan<byte> leafHash)
    {
        leafHash.CopyTo(stack.AsSpan(depth * Merkle.HashSize, Merkle.HashSize));
        levels[depth] = 0;
        depth++;
        Count++;
        while (depth >= 2 && levels[depth - 1] == levels[depth - 2])
        {
            var left = stack.AsSpan((depth - 2) * Merkle.HashSize, Merkle.HashSize);
            var right = stack.AsSpan((depth - 1) * Merkle.HashSize, Merkle.HashSize);
            Merkle.NodeHash(left, right, left);
            levels[depth - 2]++;
            depth--;
        }
    }

    /// <summary>The root of the leaves so far: the right-edge subtrees folded right to left (RFC 6962's unbalanced right side).</summary>
    public byte[] Root()
    {
        if (depth == 0)
        {
            return Merkle.EmptyRoot();
        }

        Span<byte> accumulator = stackalloc byte[Merkle.HashSize];
        stack.AsSpan((depth - 1) * Merkle.HashSize, Merkle.HashSize).CopyTo(accumulator);
        for (var i = depth - 2; i >= 0; i--)
        {
            Merkle.NodeHash(stack.AsSpan(i * Merkle.HashSize, Merkle.HashSize), accumulator, accumulator);
        }

        return accumulator.ToArray();
    }
}
