using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
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

    /// <summary>Whether <paramref name="ddl"/>, one of <paramref name="projection"/>'s statements, is a plain index a rebuild leaves for the switch.</summary>
    public static bool IsDeferredIndex(IProjection projection, string ddl) =>
        projection.DeferIndexesDuringRebuild && ddl.TrimStart().StartsWith("CREATE INDEX", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// With <paramref name="deferIndexes"/> (a generation being rebuilt, which nothing queries yet) the plain secondary
    /// indexes are left out, so the load does not keep them sorted one row at a time (the audit trail has six);
    /// <see cref="SwitchAsync"/> builds them after the load. Unique indexes stay: an upsert may rely on them.
    /// </summary>
    private async Task CreateTablesAsync(DbConnection connection, IProjection projection, int generation, CancellationToken cancellationToken, bool deferIndexes = false)
    {
        foreach (var ddl in projection.CreateTables(new ProjectionTables(store, generation)))
        {
            if (deferIndexes && IsDeferredIndex(projection, ddl))
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

    private Task DropTablesAsync(DbConnection connection, IProjection projection, int generation, CancellationToken cancellationToken) =>
        DropTablesAsync(connection, projection.Name, projection.Tables, generation, cancellationToken);

    private async Task DropTablesAsync(DbConnection connection, string name, IReadOnlyList<string> projectionTables, int generation, CancellationToken cancellationToken)
    {
        if (generation < 1)
        {
            return;
        }

        var tables = new ProjectionTables(store, generation);
        foreach (var table in projectionTables)
        {
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {tables[table]}", cancellationToken);
        }

        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = $"DELETE FROM {store.Table("subscription_checkpoints")} WHERE name = @name";
        checkpoint.WithParameter("@name", ProjectionGeneration.Subscription(name, generation));
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Projections this version no longer has, and the tables they kept, so that <see cref="PruneAsync"/> can remove
    /// what they left in a database that ran them. Each was replaced by a "-v2" projection built from the log under
    /// new table names; nothing registers or writes the old names any more.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, IReadOnlyList<string> Tables)> Retired =
    [
        ("case-history", ["case_history"]),
        ("case-search", ["case_search"]),
        ("audit-trail", ["audit_trail"]),
        ("audit-tree", ["audit_tree"]),
    ];

    /// <summary>
    /// Drops the read-model tables nothing serves or will serve: every generation of a <see cref="Retired"/>
    /// projection (with its generation row and checkpoints), and the generations of a registered projection older
    /// than its active one (the switch keeps the previous one for queries begun before it, until the next rebuild).
    /// Never a building generation: a rebuild only ever creates the generation after the active one, so a table
    /// older than the active generation read here cannot be one a concurrent rebuild is filling. Answers the tables
    /// dropped, by their names in the database.
    /// </summary>
    public async Task<IReadOnlyList<string>> PruneAsync(IEnumerable<IProjection> registered, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        var existing = await ReadTableNamesAsync(connection, cancellationToken);
        var dropped = new List<string>();
        if (!existing.Contains("projection_generations"))
        {
            // No projection has run in this database yet (its table is created by the first one): nothing to prune.
            return dropped;
        }

        // Drops one generation's tables and checkpoint, and notes the tables that were there.
        async Task DropAsync(string name, IReadOnlyList<string> tables, int generation)
        {
            await DropTablesAsync(connection, name, tables, generation, cancellationToken);
            var names = new ProjectionTables(store, generation);
            dropped.AddRange(tables.Where(t => existing.Contains(names.Bare(t))).Select(t => names[t]));
        }

        foreach (var (name, tables) in Retired)
        {
            foreach (var generation in GenerationsOf(existing, tables))
            {
                await DropAsync(name, tables, generation);
            }

            // Checkpoints of generations whose tables are already gone, and the retired name's generation row.
            await using var checkpoints = connection.CreateCommand();
            checkpoints.CommandText = $"SELECT name FROM {store.Table("subscription_checkpoints")}";
            var subscription = new Regex($"^projection:{Regex.Escape(name)}:g[0-9]+$", RegexOptions.CultureInvariant);
            var stale = new List<string>();
            await using (var reader = await checkpoints.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (subscription.IsMatch(reader.GetString(0)))
                    {
                        stale.Add(reader.GetString(0));
                    }
                }
            }

            foreach (var checkpoint in stale)
            {
                await ExecuteAsync(connection, $"DELETE FROM {store.Table("subscription_checkpoints")} WHERE name = @name", cancellationToken, ("@name", checkpoint));
            }

            await ExecuteAsync(connection, $"DELETE FROM {Table} WHERE name = @name", cancellationToken, ("@name", name));
        }

        foreach (var projection in registered)
        {
            if (await ReadAsync(connection, projection.Name, cancellationToken) is not { } generation)
            {
                continue;
            }

            foreach (var older in GenerationsOf(existing, projection.Tables).Where(g => g < generation.Active))
            {
                await DropAsync(projection.Name, projection.Tables, older);
            }
        }

        return dropped;
    }

    /// <summary>The generations of which at least one of <paramref name="tables"/> exists: <c>{table}_g{N}</c> exactly, so <c>case_history_g1</c> never matches <c>case_history_v2_g1</c>.</summary>
    private static SortedSet<int> GenerationsOf(IReadOnlySet<string> existing, IReadOnlyList<string> tables)
    {
        var generations = new SortedSet<int>();
        foreach (var table in tables)
        {
            var pattern = new Regex($"^{Regex.Escape(table)}_g([0-9]{{1,9}})$", RegexOptions.CultureInvariant);
            foreach (var name in existing)
            {
                if (pattern.Match(name) is { Success: true } match)
                {
                    generations.Add(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }
        }

        return generations;
    }

    /// <summary>The read-model tables present: SQLite's tables, or those of PostgreSQL's <c>titleeval</c> schema, by bare name.</summary>
    private async Task<IReadOnlySet<string>> ReadTableNamesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = new ProjectionTables(store, 0).OnPostgres
            ? "SELECT tablename FROM pg_tables WHERE schemaname = 'titleeval'"
            : "SELECT name FROM sqlite_master WHERE type = 'table'";
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
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
