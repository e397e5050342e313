using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Projections;

public static class ProjectionsRegistration
{
    public static WebApplicationBuilder AddProjections(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ProjectionOptions>(builder.Configuration.GetSection(ProjectionOptions.SectionName));
        builder.Services.AddSingleton<ProjectionGenerations>();
        builder.Services.AddSingleton<IProjection, CaseHistoryProjection>();
        builder.Services.AddSingleton<ProjectionHost>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ProjectionHost>());
        return builder;
    }

    /// <summary>The admin surface (who may call it: <c>AccessMatrix</c>): lists projections with their lag and starts a rebuild.</summary>
    public static IEndpointRouteBuilder MapProjectionsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin/projections").WithTags("Admin");
        admin.MapGet("/", async (ProjectionHost host, CancellationToken ct) => TypedResults.Ok(await host.StatusAsync(ct)))
            .WithName("ListProjections")
            .WithSummary("List the projections and their lag")
            .WithDescription("Each read model's active generation, a generation being rebuilt (if any), its checkpoint and its lag behind the log in events and seconds.");
        admin.MapPost("/{name}/rebuild", RebuildAsync)
            .WithName("RebuildProjection")
            .WithSummary("Rebuild a projection from position zero")
            .WithDescription(
                "Starts a new generation of the read model beside the active one. Queries keep reading the active generation until the new one has " +
                "caught up with the log; then it serves them and the old one is dropped at the next rebuild. Rows derive from stream and version, " +
                "so the rebuilt rows are identical. Idempotent while a rebuild is under way. The same from a shell: " +
                "`dotnet run --project src/TitleEval.Cases.Api -- projections rebuild [name]`.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <response code="202">The rebuild started (or was already under way); GET /api/v1/admin/projections shows its progress.</response>
    /// <response code="404">No projection has this name.</response>
    private static async Task<Results<Accepted<ProjectionGeneration>, ProblemHttpResult>> RebuildAsync(string name, ProjectionHost host, ProjectionGenerations generations, CancellationToken ct)
    {
        if (host.Find(name) is not { } projection)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Type = Errors.ProblemTypes.NotFound,
                Title = "No such projection",
                Detail = $"没有名为 {name} 的投影。 / There is no projection '{name}'; GET /api/v1/admin/projections lists them.",
            });
        }

        return TypedResults.Accepted("/api/v1/admin/projections", await generations.StartRebuildAsync(projection, ct));
    }

    /// <summary>
    /// <c>projections rebuild [name…]</c>: starts the rebuild and carries it to the switch in this process (the running
    /// service, if any, shares the work safely: batches of one subscription are serialised on its checkpoint).
    /// <c>projections prune</c>: drops the tables of retired projections and of generations older than the active one
    /// (<see cref="ProjectionGenerations.PruneAsync"/>), safe beside a running service and a rebuild.
    /// </summary>
    public static async Task<int> RunCommandAsync(WebApplication app, string[] args)
    {
        var services = app.Services;
        await services.GetRequiredService<IEventStore>().InitializeAsync();
        var host = services.GetRequiredService<ProjectionHost>();
        var generations = services.GetRequiredService<ProjectionGenerations>();
        if (args is [_, "prune"])
        {
            var dropped = await generations.PruneAsync(host.Projections, CancellationToken.None);
            Console.WriteLine(dropped.Count == 0 ? "nothing to prune" : string.Join(Environment.NewLine, dropped.Select(t => $"dropped {t}")));
            return 0;
        }

        var names = args.Skip(2).ToArray();
        var unknown = names.Where(n => host.Find(n) is null).ToArray();
        if (args.Length < 2 || args[1] != "rebuild" || unknown.Length > 0)
        {
            await Console.Error.WriteLineAsync($"usage: projections rebuild [{string.Join("|", host.Projections.Select(p => p.Name))}]… | projections prune{(unknown.Length > 0 ? $" (unknown: {string.Join(", ", unknown)})" : string.Empty)}");
            return 2;
        }

        foreach (var projection in host.Projections.Where(p => names.Length == 0 || names.Contains(p.Name)))
        {
            var generation = await generations.StartRebuildAsync(projection, CancellationToken.None);
            Console.WriteLine($"{projection.Name}: rebuilding into generation {generation.Building}");
        }

        await host.CatchUpAsync(CancellationToken.None);
        foreach (var status in await host.StatusAsync(CancellationToken.None))
        {
            Console.WriteLine($"{status.Name}: generation {status.Generation} serves queries, checkpoint {status.Checkpoint}, lag {status.LagEvents} events");
        }

        return 0;
    }
}
