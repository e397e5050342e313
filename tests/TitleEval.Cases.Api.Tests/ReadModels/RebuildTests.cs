using System.Globalization;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.ReadModels;

/// <summary>
/// A rebuild (one shared read of the log, large batches, queued writes, indexes built after the load) must write
/// exactly the rows that applying the same events live, batch by batch, wrote — for every projection.
/// </summary>
public sealed class RebuildTests
{
    [Fact]
    public async Task A_rebuild_of_every_projection_gives_the_rows_live_apply_gave_on_SQLite()
    {
        await using var factory = new CasesFactory();
        await RebuildGivesLiveRowsAsync(factory);
        factory.Services.GetRequiredService<ProjectionHost>().RebuildSections.Keys.Should().NotContain(CopySection);
    }

    [Fact]
    public async Task A_rebuild_in_small_batches_read_and_prepared_ahead_gives_the_rows_live_apply_gave_on_SQLite()
    {
        await using var factory = new CasesFactory { MoreSettings = SmallBatches };
        await RebuildGivesLiveRowsAsync(factory);

        // And most batches were the ones read, parsed and prepared (leaf hashes, masked facts) on the other thread
        factory.Services.GetRequiredService<ProjectionHost>().RebuildBatchesReadAhead.Should().BeGreaterThan(5);
    }

    /// <summary>Three events per rebuild batch: the test's log then takes many batches, each read ahead of its turn.</summary>
    internal static readonly IReadOnlyDictionary<string, string?> SmallBatches = new Dictionary<string, string?> { ["Projections:RebuildBatchSize"] = "3" };

    /// <summary>The host's rebuild section for rows sent by binary COPY: present only when a rebuild took that path.</summary>
    internal const string CopySection = "copy appended rows (PostgreSQL)";

    internal static async Task RebuildGivesLiveRowsAsync(CasesFactory factory)
    {
        // Given cases that went every way (certified and revoked, failed at the vote, returned, plain submitted), applied live
        var client = factory.CaseClient("employer");
        var failed = await ReadModelCases.SubmitAsync(client, 11, "王小二", "呼和浩特市第一中学", "City");
        var returned = await ReadModelCases.SubmitAsync(client, 12, "欧阳明", "包头市第二医院", "County");
        await ReadModelCases.SubmitAsync(client, 13, "李四", "鄂尔多斯市某公司", "Township");
        await Ok(client.CommandAsync(returned, "returns", new { stage = "Employer", items = new[] { "缺少继续教育证明" }, deadline = "2026-06-30" }));
        await ReadModelCases.VoteAsync(factory, client, failed, pass: false);
        factory.Clock.SetToday(new DateOnly(2026, 6, 15));
        await RunAsync(factory);
        var host = factory.Services.GetRequiredService<ProjectionHost>();
        await host.CatchUpAsync(CancellationToken.None);
        var generations = factory.Services.GetRequiredService<ProjectionGenerations>();
        var live = new Dictionary<string, string>();
        foreach (var projection in host.Projections)
        {
            live[projection.Name] = await RowsAsync(factory, projection, (await generations.ReadAsync(projection.Name, CancellationToken.None))!.Active);
        }

        // When every projection is rebuilt into a new generation
        foreach (var projection in host.Projections)
        {
            await generations.StartRebuildAsync(projection, CancellationToken.None);
        }

        await host.CatchUpAsync(CancellationToken.None);

        // Then each serves from the new generation, whose rows are those applied live
        foreach (var projection in host.Projections)
        {
            var generation = (await generations.ReadAsync(projection.Name, CancellationToken.None))!;
            generation.Building.Should().BeNull(projection.Name);
            generation.Active.Should().Be(2, projection.Name);
            live[projection.Name].Should().NotBeEmpty(projection.Name);
            (await RowsAsync(factory, projection, generation.Active)).Should().Be(live[projection.Name], projection.Name);
        }
    }

    /// <summary>Every row of every table of one generation, in a fixed order, as text.</summary>
    private static async Task<string> RowsAsync(CasesFactory factory, IProjection projection, int generation)
    {
        var store = factory.Services.GetRequiredService<IEventStore>();
        var tables = new ProjectionTables(store, generation);
        var text = new System.Text.StringBuilder();
        await using var connection = await store.OpenReadModelConnectionAsync(CancellationToken.None);
        foreach (var table in projection.Tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {tables[table]}";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                // Bytes in hex: the audit tree's hashes must compare by value, not as "System.Byte[]".
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i) is byte[] bytes
                    ? Convert.ToHexString(bytes)
                    : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
            }

            text.Append(table).Append(": ").Append(rows.Count).AppendLine(" rows");
            foreach (var row in rows.Order(StringComparer.Ordinal))
            {
                text.AppendLine(row);
            }
        }

        return text.ToString();
    }
}

[RequiresPostgres]
public sealed class PostgresRebuildTests
{
    [EngineFact]
    public async Task A_rebuild_of_every_projection_gives_the_rows_live_apply_gave_on_PostgreSQL()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        try
        {
            await using var factory = new CasesFactory(database) { MoreSettings = RebuildTests.SmallBatches };
            await RebuildTests.RebuildGivesLiveRowsAsync(factory);

            // And the insert-only projections' rows went by COPY, in batches read ahead
            var host = factory.Services.GetRequiredService<ProjectionHost>();
            host.RebuildSections.Keys.Should().Contain(RebuildTests.CopySection);
            host.RebuildBatchesReadAhead.Should().BeGreaterThan(5);

            // And every new table that holds rows has planner statistics (ANALYZE at the switch; an index build gives none)
            var store = factory.Services.GetRequiredService<IEventStore>();
            await using var connection = await store.OpenReadModelConnectionAsync(CancellationToken.None);
            foreach (var projection in host.Projections)
            {
                foreach (var table in projection.Tables)
                {
                    var name = new ProjectionTables(store, 2)[table];
                    var bare = new ProjectionTables(store, 2).Bare(table);
                    await using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT (SELECT count(*) FROM {name}), (SELECT count(*) FROM pg_stats WHERE schemaname = 'titleeval' AND tablename = '{bare}')";
                    await using var reader = await command.ExecuteReaderAsync();
                    await reader.ReadAsync();
                    if (reader.GetInt64(0) > 0)
                    {
                        reader.GetInt64(1).Should().BeGreaterThan(0, $"{name} holds rows and should have been analyzed at the switch");
                    }
                }
            }
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }
}
