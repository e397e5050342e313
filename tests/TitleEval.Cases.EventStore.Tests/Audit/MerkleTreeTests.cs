using System.Security.Cryptography;
using FluentAssertions;
using TitleEval.Cases.EventStore.Audit;

namespace TitleEval.Cases.EventStore.Tests.Audit;

/// <summary>
/// Known answers from RFC 6962 / Certificate Transparency's reference test data, and every inclusion and consistency
/// proof for every tree up to 64 leaves checked against a naive recursive reference and the RFC 9162 verifiers.
/// </summary>
public sealed class MerkleTreeTests
{
    // The eight leaves of the Certificate Transparency reference tests (merkle_tree_test.cc), as bytes.
    private static readonly byte[][] CtLeaves =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    private static readonly string[] CtRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public void The_empty_tree_root_is_the_SHA256_of_no_bytes()
    {
        Convert.ToHexStringLower(Merkle.EmptyRoot()).Should().Be("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        MerkleTree.Root(MerkleTree.FromLeafHashes([]), 0).Should().Equal(Merkle.EmptyRoot());
        new StreamingMerkleRoot().Root().Should().Equal(Merkle.EmptyRoot());
    }

    [Fact]
    public void Leaf_and_node_hashes_carry_the_RFC_6962_domain_prefixes()
    {
        Merkle.LeafHash([0x61]).Should().Equal(SHA256.HashData(new byte[] { 0x00, 0x61 }));
        var left = Merkle.LeafHash([1]);
        var right = Merkle.LeafHash([2]);
        Merkle.NodeHash(left, right).Should().Equal(SHA256.HashData([0x01, .. left, .. right]));
    }

    [Fact]
    public void Roots_of_the_reference_trees_of_one_to_eight_leaves_match_the_published_values()
    {
        var hashes = CtLeaves.Select(l => Merkle.LeafHash(l)).ToList();
        for (var size = 1; size <= 8; size++)
        {
            Convert.ToHexStringLower(MerkleTree.Root(MerkleTree.FromLeafHashes(hashes), size)).Should().Be(CtRoots[size - 1], $"size {size}");
            Convert.ToHexStringLower(NaiveRoot(hashes.Take(size).ToList())).Should().Be(CtRoots[size - 1]);
            var streaming = new StreamingMerkleRoot();
            hashes.Take(size).ToList().ForEach(h => streaming.AddLeafHash(h));
            Convert.ToHexStringLower(streaming.Root()).Should().Be(CtRoots[size - 1]);
        }
    }

    [Fact]
    public void Reference_inclusion_and_consistency_proofs_match_the_published_values()
    {
        var nodes = MerkleTree.FromLeafHashes(CtLeaves.Select(l => Merkle.LeafHash(l)).ToList());
        Hex(MerkleTree.InclusionProof(nodes, 0, 1)).Should().BeEmpty();
        Hex(MerkleTree.InclusionProof(nodes, 0, 8)).Should().Equal(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        Hex(MerkleTree.InclusionProof(nodes, 5, 8)).Should().Equal(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        Hex(MerkleTree.ConsistencyProof(nodes, 1, 8)).Should().Equal(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        Hex(MerkleTree.ConsistencyProof(nodes, 6, 8)).Should().Equal(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        Hex(MerkleTree.ConsistencyProof(nodes, 2, 5)).Should().Equal(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
    }

    [Fact]
    public void Every_inclusion_proof_up_to_64_leaves_matches_the_reference_and_verifies_and_a_wrong_one_does_not()
    {
        var hashes = Enumerable.Range(0, 64).Select(i => Merkle.LeafHash(BitConverter.GetBytes(i))).ToList();
        var nodes = MerkleTree.FromLeafHashes(hashes);
        for (var size = 1; size <= 64; size++)
        {
            var leaves = hashes.Take(size).ToList();
            var root = NaiveRoot(leaves);
            MerkleTree.Root(nodes, size).Should().Equal(root);
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(nodes, index, size);
                Hex(proof).Should().Equal(Hex(NaivePath(index, leaves)), $"leaf {index} of {size}");
                MerkleTree.VerifyInclusion(index, size, hashes[index], proof, root).Should().BeTrue($"leaf {index} of {size}");
                MerkleTree.VerifyInclusion(index, size, hashes[(index + 1) % 64], proof, root).Should().BeFalse();
                if (size > 1)
                {
                    MerkleTree.VerifyInclusion((index + 1) % size, size, hashes[index], proof, root).Should().BeFalse();
                    MerkleTree.VerifyInclusion(index, size, hashes[index], proof.Skip(1).ToList(), root).Should().BeFalse();
                }
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_up_to_64_leaves_matches_the_reference_and_verifies_and_a_wrong_one_does_not()
    {
        var hashes = Enumerable.Range(0, 64).Select(i => Merkle.LeafHash(BitConverter.GetBytes(i))).ToList();
        var nodes = MerkleTree.FromLeafHashes(hashes);
        for (var second = 1; second <= 64; second++)
        {
            var secondRoot = NaiveRoot(hashes.Take(second).ToList());
            for (var first = 0; first <= second; first++)
            {
                var firstRoot = NaiveRoot(hashes.Take(first).ToList());
                var proof = MerkleTree.ConsistencyProof(nodes, first, second);
                Hex(proof).Should().Equal(Hex(NaiveConsistency(first, hashes.Take(second).ToList())), $"{first} to {second}");
                MerkleTree.VerifyConsistency(first, second, firstRoot, secondRoot, proof).Should().BeTrue($"{first} to {second}");
                if (first > 0 && first < second)
                {
                    var otherRoot = NaiveRoot([.. hashes.Take(first - 1), Merkle.LeafHash([0xff])]);
                    MerkleTree.VerifyConsistency(first, second, otherRoot, secondRoot, proof).Should().BeFalse($"a changed leaf {first - 1}");
                    MerkleTree.VerifyConsistency(first, second, firstRoot, firstRoot, proof).Should().BeFalse();
                    var tampered = proof.Select(p => p.ToArray()).ToList();
                    tampered[^1][0] ^= 1;
                    MerkleTree.VerifyConsistency(first, second, firstRoot, secondRoot, tampered).Should().BeFalse();
                }
            }
        }
    }

    [Fact]
    public void Nodes_read_by_a_proof_are_logarithmic_in_the_tree_size()
    {
        var read = MerkleTree.NodesRead(nodes => MerkleTree.InclusionProof(nodes, 123_456, 1_000_003));
        read.Count.Should().BeLessThanOrEqualTo(2 * 21);
        read = MerkleTree.NodesRead(nodes => MerkleTree.ConsistencyProof(nodes, 777_777, 1_000_003));
        read.Count.Should().BeLessThanOrEqualTo(4 * 21);
    }

    private static List<string> Hex(IEnumerable<byte[]> hashes) => hashes.Select(Convert.ToHexStringLower).ToList();

    // RFC 6962 §2.1 written down as literally as possible, over a list, as the reference.
    private static byte[] NaiveRoot(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0)
        {
            return SHA256.HashData(Array.Empty<byte>());
        }

        if (leaves.Count == 1)
        {
            return leaves[0];
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. NaiveRoot(leaves.Take(k).ToList()), .. NaiveRoot(leaves.Skip(k).ToList())]);
    }

    private static List<byte[]> NaivePath(int m, IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 1)
        {
            return [];
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return m < k
            ? [.. NaivePath(m, leaves.Take(k).ToList()), NaiveRoot(leaves.Skip(k).ToList())]
            : [.. NaivePath(m - k, leaves.Skip(k).ToList()), NaiveRoot(leaves.Take(k).ToList())];
    }

    private static List<byte[]> NaiveConsistency(int m, IReadOnlyList<byte[]> leaves) =>
        m == 0 || m == leaves.Count ? [] : NaiveSubProof(m, leaves, true);

    private static List<byte[]> NaiveSubProof(int m, IReadOnlyList<byte[]> leaves, bool b)
    {
        if (m == leaves.Count)
        {
            return b ? [] : [NaiveRoot(leaves)];
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return m <= k
            ? [.. NaiveSubProof(m, leaves.Take(k).ToList(), b), NaiveRoot(leaves.Skip(k).ToList())]
            : [.. NaiveSubProof(m - k, leaves.Skip(k).ToList(), false), NaiveRoot(leaves.Take(k).ToList())];
    }
}
