using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Audit;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.EventStore.Audit;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.Api.Tests.Audit;

/// <summary>
/// Given a log with a case's lifecycle events and an inspector's saved checkpoint, when the database is edited directly
/// (bypassing the service), then the offline verifier fails naming the first changed leaf; when the log only grows, it
/// proves the new log extends the old one. Each scenario runs on a fresh store, on SQLite here and on PostgreSQL below.
/// </summary>
public class AuditTreeTests
{
    /// <summary>How the database is edited, and which leaf (counted from the end when negative) must be named.</summary>
    public enum Tamper
    {
        FlipDataByte,
        FlipMetadataByte,
        ChangeType,
        DeleteEvent,
        SwapTwoEvents,
        TruncateTail,
    }

    private const int Extra = 12;
    private const int Victim = 4;

    protected virtual Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);

    protected virtual Task DropAsync(string? database) => Task.CompletedTask;

    [EngineFact]
    public Task The_log_grows_and_the_verifier_proves_it_extends_the_saved_checkpoint_and_proofs_verify() => OnLogAsync(async (log) =>
    {
        // Given a saved checkpoint
        var saved = await log.SignAsync();
        (await log.VerifyAsync(saved)).Should().Match<AuditVerification>(v => v.Ok && v.LogSize == saved.TreeSize);

        // When the log grows
        await log.AppendAsync(7, "later");
        var later = await log.SignAsync();

        // Then the verifier says OK: the old checkpoint's prefix has its signed root, and the log is longer
        var verdict = await log.VerifyAsync(saved);
        verdict.Ok.Should().BeTrue(verdict.Finding);
        verdict.LogSize.Should().Be(saved.TreeSize + 7);
        verdict.LogRoot.Should().Be(later.RootHash);
        verdict.Finding.Should().Contain("extends");

        // And the service's consistency and inclusion proofs verify against the two signed roots
        var consistency = await log.GetAsync($"/api/v1/audit/proofs/consistency?from={saved.TreeSize}&to={later.TreeSize}");
        MerkleTree.VerifyConsistency(saved.TreeSize, later.TreeSize, Convert.FromHexString(saved.RootHash), Convert.FromHexString(later.RootHash),
            Hashes(consistency["proof"]!)).Should().BeTrue();
        for (var leaf = 0L; leaf < later.TreeSize; leaf += 3)
        {
            var inclusion = await log.GetAsync($"/api/v1/audit/proofs/inclusion?leafIndex={leaf}&treeSize={later.TreeSize}");
            var leafAnswer = await log.GetAsync($"/api/v1/audit/leaves/{leaf}");
            var leafHash = Merkle.LeafHash(Convert.FromBase64String(leafAnswer["leaf"]!.GetValue<string>()));
            Convert.ToHexStringLower(leafHash).Should().Be(inclusion["leafHash"]!.GetValue<string>());
            MerkleTree.VerifyInclusion(leaf, later.TreeSize, leafHash, Hashes(inclusion["auditPath"]!), Convert.FromHexString(later.RootHash)).Should().BeTrue();
        }

        // And the checkpoints are listed newest first and found by size
        var list = await log.GetAsync("/api/v1/audit/checkpoints?limit=1");
        list["items"]![0]!["treeSize"]!.GetValue<long>().Should().Be(later.TreeSize);
        (await log.GetAsync($"/api/v1/audit/checkpoints?before={list["nextBefore"]}"))["items"]![0]!["treeSize"]!.GetValue<long>().Should().Be(saved.TreeSize);
        (await log.GetAsync($"/api/v1/audit/checkpoints/{saved.TreeSize}"))["rootHash"]!.GetValue<string>().Should().Be(saved.RootHash);
    });

    [EngineFact]
    public Task Flipping_a_byte_of_an_events_data_is_found_at_its_leaf() => TamperAsync(Tamper.FlipDataByte);

    [EngineFact]
    public Task Flipping_a_byte_of_an_events_metadata_is_found_at_its_leaf() => TamperAsync(Tamper.FlipMetadataByte);

    [EngineFact]
    public Task Changing_an_events_type_is_found_at_its_leaf() => TamperAsync(Tamper.ChangeType);

    [EngineFact]
    public Task Deleting_an_event_is_found_at_its_leaf() => TamperAsync(Tamper.DeleteEvent);

    [EngineFact]
    public Task Swapping_two_events_is_found_at_the_first_of_them() => TamperAsync(Tamper.SwapTwoEvents);

    [EngineFact]
    public Task Truncating_the_log_is_found_at_the_first_missing_leaf() => TamperAsync(Tamper.TruncateTail);

    [EngineFact]
    public Task A_checkpoint_whose_root_was_changed_or_signed_by_another_key_fails() => OnLogAsync(async log =>
    {
        var saved = await log.SignAsync();
        await log.AppendAsync(3, "more");
        var now = await log.SignAsync();

        // A forger presents today's root under the old size: the signature does not cover it
        var forged = saved with { RootHash = now.RootHash };
        var verdict = await log.VerifyAsync(forged);
        verdict.Ok.Should().BeFalse();
        verdict.SignatureValid.Should().BeFalse();

        // And a checkpoint signed by another key fails against the inspector's saved key
        using var other = new CheckpointSigner(CheckpointSigner.TryLoad(TestKeys.NewSigningKey())!);
        var foreign = other.Sign(saved.TreeSize, Convert.FromHexString(saved.RootHash), DateTimeOffset.UtcNow);
        (await log.VerifyAsync(foreign)).SignatureValid.Should().BeFalse();

        // And a checkpoint's signed text is what openssl checks: header, size, root, time
        saved.SignedText.Should().Be($"titleeval-cases audit checkpoint v1\n{saved.TreeSize}\n{saved.RootHash}\n{AuditCheckpoint.Time(saved.SignedAt)}\n");
    });

    [EngineFact]
    public Task Leaves_carry_no_personal_data_and_an_applicant_actor_only_as_a_person_key() => OnLogAsync(async log =>
    {
        var size = (await log.SignAsync()).TreeSize;
        var texts = new List<string>();
        for (var leaf = 0L; leaf < size; leaf++)
        {
            var answer = await log.GetAsync($"/api/v1/audit/leaves/{leaf}");
            texts.Add(Encoding.UTF8.GetString(Convert.FromBase64String(answer["leaf"]!.GetValue<string>())));
            texts.Add(answer["fields"]!.ToJsonString());
        }

        var all = string.Join("\n", texts);
        all.Should().NotContain(Requests.ValidResidentId).And.NotContain(Requests.Name).And.NotContain(Requests.Phone).And.NotContain("150102198805123014");
        all.Should().Contain(AuditLeafEncoder.PersonKeyPrefix);
    });

    [EngineFact]
    public Task Out_of_range_proofs_and_unknown_checkpoints_or_leaves_are_problems() => OnLogAsync(async log =>
    {
        var size = (await log.SignAsync()).TreeSize;
        await log.ProblemAsync($"/api/v1/audit/proofs/inclusion?leafIndex={size}&treeSize={size}", HttpStatusCode.BadRequest, "audit-range-invalid");
        await log.ProblemAsync($"/api/v1/audit/proofs/inclusion?leafIndex=0&treeSize={size + 100}", HttpStatusCode.BadRequest, "audit-range-invalid");
        await log.ProblemAsync($"/api/v1/audit/proofs/consistency?from=5&to=2", HttpStatusCode.BadRequest, "audit-range-invalid");
        await log.ProblemAsync($"/api/v1/audit/proofs/consistency?from=1&to={size + 1}", HttpStatusCode.BadRequest, "audit-range-invalid");
        await log.ProblemAsync("/api/v1/audit/checkpoints/999999", HttpStatusCode.NotFound, "audit-checkpoint-not-found");
        await log.ProblemAsync($"/api/v1/audit/leaves/{size + 5}", HttpStatusCode.NotFound, "audit-leaf-not-found");
        (await log.Http.GetStringAsync("/api/v1/audit/public-key")).Should().StartWith("-----BEGIN PUBLIC KEY-----");
    });

    private static List<byte[]> Hashes(JsonNode array) => array.AsArray().Select(h => Convert.FromHexString(h!.GetValue<string>())).ToList();

    private Task TamperAsync(Tamper tamper) => OnLogAsync(async log =>
    {
        // Given a checkpoint the inspector saved
        var saved = await log.SignAsync();
        var positions = await log.PositionsAsync();
        positions.Should().HaveCount((int)saved.TreeSize);

        // When someone edits the database directly
        var expected = tamper == Tamper.TruncateTail ? positions.Count - 3 : Victim;
        await log.EditAsync(tamper, positions);

        // Then the offline verifier fails and names the first leaf that no longer matches
        var verdict = await log.VerifyAsync(saved);
        verdict.Ok.Should().BeFalse(verdict.Finding);
        verdict.SignatureValid.Should().BeTrue();
        verdict.FirstBadLeaf.Should().Be(expected, verdict.Finding);
        verdict.Finding.Should().Contain($"leaf {expected}");
    });

    private async Task OnLogAsync(Func<Log, Task> test)
    {
        var database = await DatabaseAsync();
        try
        {
            await using var factory = new CasesFactory(database);
            var log = new Log(factory, database);

            // Given a real filing (its case, person and employer events) and events of several actors, an applicant among them
            var submitted = await factory.CaseClient("applicant").PostAsync("/api/v1/applications", Requests.Submission());
            submitted.StatusCode.Should().Be(HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());
            await log.AppendAsync(Extra, "first");
            await test(log);
        }
        finally
        {
            await DropAsync(database);
        }
    }

    /// <summary>The log under test: appends, signs, edits the database directly and runs the offline verifier.</summary>
    public sealed class Log(CasesFactory factory, string? database)
    {
        public HttpClient Http { get; } = factory.CreateClient();

        private IEventStore Store => factory.Services.GetRequiredService<IEventStore>();

        public async Task AppendAsync(int count, string batch)
        {
            for (var i = 0; i < count; i++)
            {
                var (actor, role) = (i % 3) switch { 0 => ("applicant-150102198805123014", "applicant"), 1 => ("emp-lee", "employer"), _ => ("office-sun", "committee-office") };
                var metadata = $$"""{"actorId":"{{actor}}","actorRole":"{{role}}","actorOrganisation":"91150100MA0N000000","reason":"核验{{i}}","correlationId":"c-{{batch}}-{{i}}","causationId":"c-{{batch}}-{{i}}","clientId":"portal","occurredAt":"2026-06-15T04:00:00+00:00"}""";
                await Store.AppendAsync(StreamName.For("auditcheck", $"{batch}{i % 4}"), ExpectedVersion.Any,
                    [new EventData(Guid.NewGuid(), "audit-check-recorded.v1", $$"""{"n":{{i}},"note":"材料齐全 abc {{batch}}"}""", metadata)]);
            }
        }

        public async Task<AuditCheckpoint> SignAsync()
        {
            await factory.Services.GetRequiredService<ProjectionHost>().CatchUpAsync(CancellationToken.None);
            var response = await Http.PostAsync("/api/v1/audit/checkpoints", null);
            response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<AuditCheckpoint>())!;
        }

        public async Task<JsonObject> GetAsync(string path)
        {
            var response = await Http.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        }

        public async Task ProblemAsync(string path, HttpStatusCode status, string code)
        {
            var response = await Http.GetAsync(path);
            response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            body["type"]!.GetValue<string>().Should().Be($"/problems/{code}");
        }

        /// <summary>As the inspector's command does, against the service's public key (the one they saved).</summary>
        public async Task<AuditVerification> VerifyAsync(AuditCheckpoint checkpoint)
        {
            var services = factory.Services;
            var table = (await services.GetRequiredService<AuditTreeService>().TablesAsync(CancellationToken.None))[AuditTreeProjection.Table];
            var verifier = new AuditVerifier(Store, services.GetRequiredService<AuditTreeProjection>().NewEncoder());
            return await verifier.VerifyAsync(checkpoint, services.GetRequiredService<CheckpointSigner>().PublicKeyPem, table, CancellationToken.None);
        }

        public async Task<List<long>> PositionsAsync()
        {
            var positions = new List<long>();
            long after = 0;
            while (await Store.ReadAllAsync(after, 1000) is { Count: > 0 } events)
            {
                positions.AddRange(events.Select(e => e.GlobalPosition));
                after = events[^1].GlobalPosition;
            }

            return positions;
        }

        /// <summary>Edits the events table as someone with database access would: no service, no append-only guard.</summary>
        public async Task EditAsync(Tamper tamper, IReadOnlyList<long> positions)
        {
            var postgres = Store.Engine == "messagedb";
            var table = postgres ? "message_store.messages" : "events";
            // On PostgreSQL the service's own role may not touch message_store.messages: the tamperer is the superuser.
            await using var connection = postgres
                ? new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(database) { Username = "postgres", Pooling = false }.ConnectionString)
                : await Store.OpenReadModelConnectionAsync();
            if (postgres)
            {
                await connection.OpenAsync();
            }
            else
            {
                await ExecuteAsync(connection, "DROP TRIGGER IF EXISTS events_append_only_update");
                await ExecuteAsync(connection, "DROP TRIGGER IF EXISTS events_append_only_delete");
            }

            var victim = positions[Victim];
            switch (tamper)
            {
                case Tamper.FlipDataByte:
                case Tamper.FlipMetadataByte:
                    var column = tamper == Tamper.FlipDataByte ? "data" : "metadata";
                    var text = (string)(await ScalarAsync(connection, $"SELECT {column}{(postgres ? "::text" : string.Empty)} FROM {table} WHERE global_position = {victim}"))!;
                    var at = text.IndexOf('"', text.IndexOf(':', StringComparison.Ordinal)) + 1;
                    var flipped = text[..at] + (text[at] == 'x' ? 'y' : 'x') + text[(at + 1)..];
                    await ExecuteAsync(connection, $"UPDATE {table} SET {column} = @v{(postgres ? "::jsonb" : string.Empty)} WHERE global_position = {victim}", flipped);
                    break;
                case Tamper.ChangeType:
                    await ExecuteAsync(connection, $"UPDATE {table} SET type = type || 'x' WHERE global_position = {victim}");
                    break;
                case Tamper.DeleteEvent:
                    await ExecuteAsync(connection, $"DELETE FROM {table} WHERE global_position = {victim}");
                    break;
                case Tamper.SwapTwoEvents:
                    var other = positions[Victim + 5];
                    await ExecuteAsync(connection, $"UPDATE {table} SET global_position = -1 WHERE global_position = {victim}");
                    await ExecuteAsync(connection, $"UPDATE {table} SET global_position = {victim} WHERE global_position = {other}");
                    await ExecuteAsync(connection, $"UPDATE {table} SET global_position = {other} WHERE global_position = -1");
                    break;
                case Tamper.TruncateTail:
                    await ExecuteAsync(connection, $"DELETE FROM {table} WHERE global_position >= {positions[^3]}");
                    break;
            }
        }

        private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync();
        }

        private static async Task ExecuteAsync(DbConnection connection, string sql, string? value = null)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            if (value is not null)
            {
                command.WithParameter("@v", value);
            }

            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>The same scenarios on PostgreSQL (Message DB), each on a database of its own, edited with SQL directly.</summary>
[RequiresPostgres]
public sealed class PostgresAuditTreeTests : AuditTreeTests
{
    protected override async Task<string?> DatabaseAsync() => await PostgresServer.CreateDatabaseAsync();

    protected override async Task DropAsync(string? database)
    {
        if (database is not null)
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }
}
