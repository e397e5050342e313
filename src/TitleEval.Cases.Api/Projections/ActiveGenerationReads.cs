using System.Data.Common;
using System.Globalization;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Projections;

/// <summary>
/// A query of a projection's active generation in one round trip (the read-side p99 targets are 5 and 10 ms): it reads
/// the tables of the generation last seen active and, in the same statement or the one after its rows, that
/// projection's row of <c>projection_generations</c>, which says whether that generation still is the active one.
/// After a switch (or when its table is already dropped) the generation is looked up again and the read repeated, so
/// an answer never comes from a generation that had stopped serving queries when its rows were read.
/// </summary>
public static class ActiveGenerationReads
{
    /// <summary>The parameter <see cref="Statement"/> reads the projection's name from.</summary>
    public const string ProjectionParameter = "@projection";

    /// <summary>
    /// Runs <paramref name="read"/> against the generation last seen active until the generation it reports is that
    /// one; <paramref name="read"/> answers the active generation it read (null when the projection has no row yet).
    /// </summary>
    public static async Task<T> ReadActiveAsync<T>(
        this ProjectionGenerations generations, ProjectionHost host, IEventStore store, IProjection projection,
        Func<ProjectionTables, CancellationToken, Task<(int? Active, T Result)>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var generation = generations.LastSeenActive(projection.Name) ?? (await host.ActiveTablesAsync(projection, cancellationToken)).Generation;
            try
            {
                var (active, result) = await read(new ProjectionTables(store, generation), cancellationToken);
                generations.SeenActive(projection.Name, active);
                if (active == generation)
                {
                    return result;
                }
            }
            catch (DbException) when (attempt < 2)
            {
                // Its table was dropped by a later switch: look the generation up again.
                generations.SeenActive(projection.Name, null);
            }
        }

        throw new InvalidOperationException($"The active generation of {projection.Name} kept changing during four attempts to read it.");
    }

    /// <summary>
    /// The statement to run after a query's own in the same command: the active generation of the projection named by
    /// <see cref="ProjectionParameter"/>. After the rows, so that "still active" holds for the moment they were read.
    /// </summary>
    public static string Statement(IEventStore store) =>
        $"SELECT active FROM {store.Table("projection_generations")} WHERE name = {ProjectionParameter}";

    /// <summary>Moves <paramref name="reader"/> past the query's rows to <see cref="Statement"/>'s answer and reads it.</summary>
    public static async Task<int?> ReadStatementAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.NextResultAsync(cancellationToken) || !await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture);
    }
}
