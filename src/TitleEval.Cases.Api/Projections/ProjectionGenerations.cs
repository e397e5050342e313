using System.Data.Common;
using System.Globalization;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Projections;

/// <summary>Which generation of a projection serves queries (<c>active</c>) and which is being rebuilt beside it (<c>building</c>).</summary>
public sealed record ProjectionGeneration(string Name, int Active, int? Building)
{
    public static string Subscription(string name, int generation) => $"projection:{name}:g{generation}";
}

/// <summary>
/// The <c>projection_generations</c> table, in the events' database. A rebuild starts a new generation beside the
/// active one; queries keep reading the active one until the new one has caught up and the host switches them over.
/// Several processes (API instances, the rebuild command) agree through this table.
/// </summary>
public sealed class ProjectionGenerations(IEventStore store)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> lastSeenActive = new();

    private string Table => store.Table("projection_generations");

    /// <summary>
    /// The active generation a query last saw, for queries that read it in the same statement as their rows and
    /// repeat the statement when it has changed (one round trip instead of two); null when not known.
    /// </summary>
    public int? LastSeenActive(string name) => lastSeenActive.TryGetValue(name, out var generation) ? generation : null;

    public void SeenActive(string name, int? generation)
    {
        if (generation is { } seen)
        {
            lastSeenActive[name] = seen;
        }
        else
        {
            lastSeenActive.TryRemove(name, out _);
        }
    }

    public async Task<ProjectionGeneration> EnsureAsync(IProjection projection, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {Table} (name TEXT PRIMARY KEY, active INTEGER NOT NULL, building INTEGER NULL)", cancellationToken);
        await ExecuteAsync(connection, $"INSERT INTO {Table} (name, active, building) VALUES (@name, 1, NULL) ON CONFLICT (name) DO NOTHING", cancellationToken, ("@name", projection.Name));
        var generation = (await ReadAsync(connection, projection.Name, cancellationToken))!;
        await CreateTablesAsync(connection, projection, generation.Active, cancellationToken);
        if (generation.Building is { } building)
        {
            await CreateTablesAsync(connection, projection, building, cancellationToken, deferIndexes: true);
        }

        return generation;
    }

    public async Task<ProjectionGeneration?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        return await ReadAsync(connection, name, cancellationToken);
    }

    /// <summary>Starts a rebuild from position zero into a new generation; a rebuild already under way is left as it is.</summary>
    public async Task<ProjectionGeneration> StartRebuildAsync(IProjection projection, CancellationToken cancellationToken)
    {
        await EnsureAsync(projection, cancellationToken);
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"UPDATE {Table} SET building = active + 1 WHERE name = @name AND building IS NULL", cancellationToken, ("@name", projection.Name));
        var generation = (await ReadAsync(connection, projection.Name, cancellationToken))!;
        await DropTablesAsync(connection, projection, generation.Building!.Value, cancellationToken);
        await CreateTablesAsync(connection, projection, generation.Building!.Value, cancellationToken, deferIndexes: true);
        return generation;
    }

    /// <summary>Makes the caught-up generation the one queries read; the previous one is dropped at the next rebuild.</summary>
    public async Task<bool> SwitchAsync(IProjection projection, int building, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);

        // The indexes left out during the load, built in one sort each before queries turn to this generation.
        await CreateTablesAsync(connection, projection, building, cancellationToken);
        var tables = new ProjectionTables(store, building);
        if (tables.OnPostgres)
        {
            // PostgreSQL's advice after a bulk load: a new table has no planner statistics until autovacuum gets to it,
            // which it would do while queries are already planned against it. Analyzed here, before the switch, the
            // first queries are planned on the rows they will read. (Vacuuming too would make a rebuild read every
            // table once more; autovacuum does that in the background.)
            foreach (var table in projection.Tables)
            {
                await ExecuteAsync(connection, $"ANALYZE {tables[table]}", cancellationToken);
            }
        }

        var switched = await ExecuteAsync(connection, $"UPDATE {Table} SET active = building, building = NULL WHERE name = @name AND building = @building", cancellationToken, ("@name", projection.Name), ("@building", building));
        if (switched == 1)
        {
            // Queries that started on the generation before the previous one have long finished.
            await DropTablesAsync(connection, projection, building - 2, cancellationToken);
        }

        return switched == 1;
    }

    /// <summary>
    /// With <paramref name="deferIndexes"/> (a generation being rebuilt, which nothing queries yet) the plain secondary
    /// indexes are left out, so the load does not keep them sorted one row at a time (the audit trail has six);
    /// <see cref="SwitchAsync"/> builds them after the load. Unique indexes stay: an upsert may rely on them.
    /// </summary>
    private async Task CreateTablesAsync(DbConnection connection, IProjection projection, int generation, CancellationToken cancellationToken, bool deferIndexes = false)
    {
        foreach (var ddl in projection.CreateTables(new ProjectionTables(store, generation)))
        {
            if (deferIndexes && projection.DeferIndexesDuringRebuild && ddl.TrimStart().StartsWith("CREATE INDEX", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                await ExecuteAsync(connection, ddl, cancellationToken);
            }
            catch (DbException exception) when (exception.SqlState is "23505" or "42P07")
            {
                // PostgreSQL's IF NOT EXISTS is not safe against a concurrent creator (another instance switching the
                // same generation): the object it created is the one asked for.
            }
        }
    }

    private async Task DropTablesAsync(DbConnection connection, IProjection projection, int generation, CancellationToken cancellationToken)
    {
        if (generation < 1)
        {
            return;
        }

        var tables = new ProjectionTables(store, generation);
        foreach (var table in projection.Tables)
        {
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {tables[table]}", cancellationToken);
        }

        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = $"DELETE FROM {store.Table("subscription_checkpoints")} WHERE name = @name";
        checkpoint.WithParameter("@name", ProjectionGeneration.Subscription(projection.Name, generation));
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<ProjectionGeneration?> ReadAsync(DbConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT active, building FROM {Table} WHERE name = @name";
        command.WithParameter("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ProjectionGeneration(name, Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.IsDBNull(1) ? null : Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture))
            : null;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.WithParameter(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

}
