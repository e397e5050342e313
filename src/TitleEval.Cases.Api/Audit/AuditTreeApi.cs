using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.EventStore.Audit;

namespace TitleEval.Cases.Api.Audit;

/// <summary>
/// Tamper evidence for inspectors (architecture.md §4, api-docs/inspectors.md): the checkpoint signing key, signed
/// checkpoints, inclusion and consistency proofs, and each leaf's bytes. A server answering "verified" proves nothing:
/// every answer here is checked by the inspector against a checkpoint they keep.
/// </summary>
public static class AuditTreeApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public sealed record CheckpointPage(IReadOnlyList<AuditCheckpoint> Items, long? NextBefore);

    public sealed record InclusionProofAnswer(long LeafIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> AuditPath);

    public sealed record ConsistencyProofAnswer(long From, long To, string FromRootHash, string ToRootHash, IReadOnlyList<string> Proof);

    public sealed record LeafAnswer(long LeafIndex, string LeafHash, string Leaf, AuditLeafFields Fields);

    public static void Map(IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/v1/audit").WithTags("Audit");
        audit.MapGet("/public-key", (CheckpointSigner signer) => TypedResults.Text(signer.PublicKeyPem, "application/x-pem-file"))
            .WithName("GetAuditPublicKey")
            .WithSummary("The public key that checkpoints are signed with (PEM)")
            .WithDescription("ECDSA P-256 SubjectPublicKeyInfo in PEM. Save it once, out of band, and verify every checkpoint against your copy.")
            .Produces<string>(StatusCodes.Status200OK, "application/x-pem-file");

        audit.MapGet("/checkpoints/latest", LatestAsync)
            .WithName("GetLatestAuditCheckpoint")
            .WithSummary("The latest signed checkpoint")
            .WithDescription("Tree size, Merkle root, signing time and signature over signedText. Save the whole JSON: `audit verify --checkpoint` reads it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        audit.MapGet("/checkpoints", ListAsync)
            .WithName("ListAuditCheckpoints")
            .WithSummary("Signed checkpoints, newest first")
            .WithDescription($"Pages of up to limit (1–{MaxLimit}, default {DefaultLimit}) checkpoints; pass before=nextBefore for the next page.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        audit.MapGet("/checkpoints/{treeSize:long}", FindAsync)
            .WithName("GetAuditCheckpoint")
            .WithSummary("The signed checkpoint of one tree size")
            .ProducesProblem(StatusCodes.Status404NotFound);

        audit.MapPost("/checkpoints", SignAsync)
            .WithName("SignAuditCheckpoint")
            .WithSummary("Sign a checkpoint of the tree as it stands now")
            .WithDescription("Answers the checkpoint of the current tree size (the existing one when that size is signed already).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        audit.MapGet("/proofs/inclusion", InclusionAsync)
            .WithName("GetAuditInclusionProof")
            .WithSummary("Inclusion proof (RFC 6962 audit path) of one leaf in a tree size")
            .WithDescription("leafIndex counts events in global order from 0; treeSize defaults to the current size. Verify with RFC 9162 §2.1.3.2 against a signed root.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        audit.MapGet("/proofs/consistency", ConsistencyAsync)
            .WithName("GetAuditConsistencyProof")
            .WithSummary("Consistency proof (RFC 6962) between two tree sizes")
            .WithDescription("Proves the tree of `to` leaves extends the tree of `from` leaves; verify with RFC 9162 §2.1.4.2 against two signed roots.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        audit.MapGet("/leaves/{leafIndex:long}", LeafAsync)
            .WithName("GetAuditLeaf")
            .WithSummary("One leaf: its bytes (base64), hash and fields")
            .WithDescription("The canonical leaf v1 bytes of the leafIndex-th event (see api-docs/inspectors.md); leafHash = SHA-256(0x00 ‖ leaf).")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <response code="200">The latest checkpoint.</response>
    /// <response code="404">No checkpoint has been signed yet.</response>
    private static async Task<Results<Ok<AuditCheckpoint>, ProblemHttpResult>> LatestAsync(AuditCheckpointStore checkpoints, CancellationToken ct) =>
        await checkpoints.LatestAsync(ct) is { } latest ? TypedResults.Ok(latest) : CheckpointNotFound(null);

    /// <response code="200">A page of checkpoints.</response>
    /// <response code="400">limit or before is out of range.</response>
    private static async Task<Results<Ok<CheckpointPage>, ProblemHttpResult>> ListAsync(long? before, int? limit, AuditCheckpointStore checkpoints, CancellationToken ct)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit || before is < 1)
        {
            return RangeInvalid($"limit must be between 1 and {MaxLimit}, and before a tree size of 1 or more.");
        }

        var items = await checkpoints.ListAsync(before ?? long.MaxValue, take + 1, ct);
        return TypedResults.Ok(new CheckpointPage(items.Take(take).ToList(), items.Count > take ? items[take - 1].TreeSize : null));
    }

    /// <response code="200">The checkpoint of this tree size.</response>
    /// <response code="404">No checkpoint of this tree size was signed.</response>
    private static async Task<Results<Ok<AuditCheckpoint>, ProblemHttpResult>> FindAsync(long treeSize, AuditCheckpointStore checkpoints, CancellationToken ct) =>
        await checkpoints.FindAsync(treeSize, ct) is { } found ? TypedResults.Ok(found) : CheckpointNotFound(treeSize);

    /// <response code="201">The checkpoint of the current tree size.</response>
    private static async Task<Created<AuditCheckpoint>> SignAsync(AuditTreeService tree, CancellationToken ct)
    {
        var checkpoint = await tree.SignNowAsync(ct);
        return TypedResults.Created($"/api/v1/audit/checkpoints/{checkpoint.TreeSize}", checkpoint);
    }

    /// <response code="200">The audit path, leaf end first, with the leaf hash and the root it leads to.</response>
    /// <response code="400">leafIndex is not below treeSize, or treeSize exceeds the tree.</response>
    private static async Task<Results<Ok<InclusionProofAnswer>, ProblemHttpResult>> InclusionAsync(long leafIndex, long? treeSize, AuditTreeService tree, CancellationToken ct)
    {
        var size = treeSize ?? await tree.SizeAsync(ct);
        if (leafIndex < 0 || leafIndex >= size)
        {
            return RangeInvalid($"leafIndex must be 0 or more and below treeSize ({size}).");
        }

        var answer = await tree.ComputeAsync(size, nodes => (Leaf: nodes(0, leafIndex), Root: MerkleTree.Root(nodes, size), Path: MerkleTree.InclusionProof(nodes, leafIndex, size)), ct);
        return answer is { Result: var r }
            ? TypedResults.Ok(new InclusionProofAnswer(leafIndex, size, Hex(r.Leaf), Hex(r.Root), r.Path.Select(Hex).ToList()))
            : RangeInvalid($"treeSize {size} exceeds the tree the service has built so far; ask for the latest checkpoint's size.");
    }

    /// <response code="200">The consistency proof with both roots.</response>
    /// <response code="400">from is not between 0 and to, or to exceeds the tree.</response>
    private static async Task<Results<Ok<ConsistencyProofAnswer>, ProblemHttpResult>> ConsistencyAsync(long from, long to, AuditTreeService tree, CancellationToken ct)
    {
        if (from < 0 || from > to)
        {
            return RangeInvalid("from must be between 0 and to.");
        }

        var answer = await tree.ComputeAsync(to, nodes => (From: MerkleTree.Root(nodes, from), To: MerkleTree.Root(nodes, to), Proof: MerkleTree.ConsistencyProof(nodes, from, to)), ct);
        return answer is { Result: var r }
            ? TypedResults.Ok(new ConsistencyProofAnswer(from, to, Hex(r.From), Hex(r.To), r.Proof.Select(Hex).ToList()))
            : RangeInvalid($"to ({to}) exceeds the tree the service has built so far; ask for the latest checkpoint's size.");
    }

    /// <response code="200">The leaf.</response>
    /// <response code="404">The tree has no leaf at this index (yet).</response>
    private static async Task<Results<Ok<LeafAnswer>, ProblemHttpResult>> LeafAsync(long leafIndex, AuditTreeService tree, IEventStore store, AuditTreeProjection projection, CancellationToken ct)
    {
        var tables = await tree.TablesAsync(ct);
        (byte[] Hash, long Position)? stored;
        await using (var connection = await store.OpenReadModelConnectionAsync(ct))
        {
            stored = await AuditTreeReader.ReadLeafAsync(connection, tables, leafIndex, ct);
        }

        if (stored is not { } leaf || (await store.ReadAllAsync(leaf.Position - 1, 1, ct)) is not [var e] || e.GlobalPosition != leaf.Position)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Type = ProblemTypes.AuditLeafNotFound,
                Title = "No such audit leaf",
                Detail = "The audit tree has no leaf at this index, or its event is no longer in the log. Leaf indexes count events in global order from 0; the latest checkpoint gives the tree size.",
                Extensions = { ["code"] = "audit-leaf-not-found", ["leafIndex"] = leafIndex },
            });
        }

        var bytes = projection.NewEncoder().Encode(e).ToArray();
        return TypedResults.Ok(new LeafAnswer(leafIndex, Hex(leaf.Hash), Convert.ToBase64String(bytes), AuditLeafEncoder.Decode(bytes)));
    }

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    private static ProblemHttpResult CheckpointNotFound(long? treeSize) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Type = ProblemTypes.AuditCheckpointNotFound,
        Title = "No such audit checkpoint",
        Detail = treeSize is null
            ? "No checkpoint has been signed yet. POST /api/v1/audit/checkpoints signs one now."
            : "No checkpoint was signed at this tree size. GET /api/v1/audit/checkpoints lists the sizes that were.",
        Extensions = { ["code"] = "audit-checkpoint-not-found", ["treeSize"] = treeSize },
    });

    private static ProblemHttpResult RangeInvalid(string detail) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status400BadRequest,
        Type = ProblemTypes.AuditRangeInvalid,
        Title = "Tree sizes or leaf index out of range",
        Detail = detail,
        Extensions = { ["code"] = "audit-range-invalid" },
    });
}
