namespace TitleEval.Cases.EventStore.Audit;

/// <summary>
/// The hash of the complete subtree of 2^<paramref name="level"/> leaves that starts at leaf
/// <paramref name="index"/> × 2^level (level 0: the leaf hashes). Such nodes never change once their last leaf exists.
/// </summary>
public delegate byte[] MerkleNodeSource(int level, long index);

/// <summary>
/// RFC 6962 §2.1 over a tree whose complete subtrees are known (stored or computed): the root of any prefix of the
/// log, audit paths (inclusion proofs, §2.1.1) and consistency proofs (§2.1.2), and their verification as RFC 9162
/// §2.1.3.2 and §2.1.4.2 describe. Every subtree a proof needs starts at a multiple of its own rounded-up size, so it is
/// either one complete node or splits into one complete node and a smaller such subtree: O(log n) nodes per hash.
/// </summary>
public static class MerkleTree
{
    /// <summary>MTH(D[start : start+size]); <paramref name="start"/> is aligned as every subtree of the tree is.</summary>
    public static byte[] SubtreeHash(MerkleNodeSource nodes, long start, long size)
    {
        if (size == 0)
        {
            return Merkle.EmptyRoot();
        }

        if (Merkle.IsPowerOfTwo(size) && start % size == 0)
        {
            return nodes(63 - (int)long.LeadingZeroCount(size), start / size);
        }

        // The left part is complete; fold the right edge from its smallest subtree up.
        var k = Merkle.Split(size);
        return Merkle.NodeHash(SubtreeHash(nodes, start, k), SubtreeHash(nodes, start + k, size - k));
    }

    /// <summary>The root of the tree of the first <paramref name="size"/> leaves.</summary>
    public static byte[] Root(MerkleNodeSource nodes, long size) => SubtreeHash(nodes, 0, size);

    /// <summary>PATH(m, D[0:n]): the audit path of leaf <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> leaves, leaf end first.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(MerkleNodeSource nodes, long leafIndex, long treeSize)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), "The leaf index must be below the tree size.");
        }

        var proof = new List<byte[]>();
        Path(nodes, leafIndex, 0, treeSize, proof);
        return proof;
    }

    private static void Path(MerkleNodeSource nodes, long m, long start, long n, List<byte[]> proof)
    {
        if (n == 1)
        {
            return;
        }

        var k = Merkle.Split(n);
        if (m < k)
        {
            Path(nodes, m, start, k, proof);
            proof.Add(SubtreeHash(nodes, start + k, n - k));
        }
        else
        {
            Path(nodes, m - k, start + k, n - k, proof);
            proof.Add(SubtreeHash(nodes, start, k));
        }
    }

    /// <summary>PROOF(m, D[0:n]): the consistency proof from the tree of <paramref name="first"/> leaves to that of <paramref name="second"/>; empty when first is 0 or equal to second.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(MerkleNodeSource nodes, long first, long second)
    {
        if (first < 0 || first > second)
        {
            throw new ArgumentOutOfRangeException(nameof(first), "The first tree size must be between 0 and the second.");
        }

        var proof = new List<byte[]>();
        if (first > 0 && first < second)
        {
            SubProof(nodes, first, 0, second, true, proof);
        }

        return proof;
    }

    private static void SubProof(MerkleNodeSource nodes, long m, long start, long n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(SubtreeHash(nodes, start, n));
            }

            return;
        }

        var k = Merkle.Split(n);
        if (m <= k)
        {
            SubProof(nodes, m, start, k, complete, proof);
            proof.Add(SubtreeHash(nodes, start + k, n - k));
        }
        else
        {
            SubProof(nodes, m - k, start + k, n - k, false, proof);
            proof.Add(SubtreeHash(nodes, start, k));
        }
    }

    /// <summary>RFC 9162 §2.1.3.2: true when <paramref name="proof"/> proves the leaf with <paramref name="leafHash"/> sits at <paramref name="leafIndex"/> in the tree with <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            return false;
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        Span<byte> r = stackalloc byte[Merkle.HashSize];
        leafHash.CopyTo(r);
        foreach (var p in proof)
        {
            if (sn == 0 || p.Length != Merkle.HashSize)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                Merkle.NodeHash(p, r, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                Merkle.NodeHash(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>RFC 9162 §2.1.4.2: true when <paramref name="proof"/> proves the tree of <paramref name="second"/> leaves (root <paramref name="secondRoot"/>) extends that of <paramref name="first"/> leaves (root <paramref name="firstRoot"/>).</summary>
    public static bool VerifyConsistency(long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (first < 0 || first > second)
        {
            return false;
        }

        if (first == second)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        }

        if (first == 0)
        {
            // Every tree extends the empty one.
            return proof.Count == 0 && firstRoot.SequenceEqual(Merkle.EmptyRoot());
        }

        if (proof.Count == 0 || proof.Any(p => p.Length != Merkle.HashSize))
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if (Merkle.IsPowerOfTwo(first))
        {
            path.Add(firstRoot.ToArray());
        }

        path.AddRange(proof);
        var fn = first - 1;
        var sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[Merkle.HashSize];
        Span<byte> sr = stackalloc byte[Merkle.HashSize];
        path[0].CopyTo(fr);
        path[0].CopyTo(sr);
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                Merkle.NodeHash(c, fr, fr);
                Merkle.NodeHash(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                Merkle.NodeHash(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return fr.SequenceEqual(firstRoot) && sr.SequenceEqual(secondRoot) && sn == 0;
    }

    /// <summary>The complete nodes a computation reads, in the order it reads them, so a store can fetch them in one query before computing.</summary>
    public static IReadOnlyList<(int Level, long Index)> NodesRead(Action<MerkleNodeSource> computation)
    {
        var read = new List<(int, long)>();
        var placeholder = new byte[Merkle.HashSize];
        computation((level, index) =>
        {
            read.Add((level, index));
            return placeholder;
        });
        return read;
    }

    /// <summary>Complete nodes computed from leaf hashes in memory (tests, small trees): node (l, i) hashes leaves i·2^l … (i+1)·2^l − 1.</summary>
    public static MerkleNodeSource FromLeafHashes(IReadOnlyList<byte[]> leafHashes) => (level, index) =>
    {
        var size = 1L << level;
        return size == 1 ? leafHashes[(int)index] : Merkle.NodeHash(
            FromLeafHashes(leafHashes)(level - 1, 2 * index),
            FromLeafHashes(leafHashes)(level - 1, (2 * index) + 1));
    };
}
