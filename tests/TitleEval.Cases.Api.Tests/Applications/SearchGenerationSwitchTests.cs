using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Applications.Search;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Tests.ReadModels;
using TitleEval.Cases.Testing;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.Applications;

/// <summary>
/// The search reads its page and then, in the same round trip, whether the generation it read is still the active
/// one; these tests switch generations under it (three rebuilds, so the first two generations' tables are dropped)
/// while searches keep running, and every answer must still be the right one.
/// </summary>
public abstract class SearchGenerationSwitchTests
{
    protected abstract Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync();

    [EngineFact]
    public async Task Searches_running_while_the_case_search_is_rebuilt_and_switched_three_times_all_find_the_case()
    {
        var (factory, cleanup) = await CreateAsync();
        try
        {
            // Given a filed case, searched once by resident ID so the generation it is read from is remembered
            var employer = factory.CaseClient("employer");
            var (caseId, _) = await SubmitAsync(employer, 1);
            var host = factory.Services.GetRequiredService<ProjectionHost>();
            var generations = factory.Services.GetRequiredService<ProjectionGenerations>();
            var projection = host.Find(new CaseSearchProjection().Name)!;
            await host.CatchUpAsync(CancellationToken.None);
            (await SearchAsync(employer, ReadModelCases.ResidentId(1))).Should().Equal(caseId);

            // When searches run continuously while the read model is rebuilt into generations 2, 3 and 4, each switched in
            var answers = await GenerationSwitches.ReadWhileSwitchingAsync(factory, projection, () => SearchAsync(employer, ReadModelCases.ResidentId(1)), async rebuild =>
            {
                // A case filed after the switch is only in the new generation: a search still reading the old one misses it.
                var (later, position) = await SubmitAsync(employer, 2 + rebuild);
                (await SearchAsync(employer, ReadModelCases.ResidentId(2 + rebuild), position)).Should().Equal([later], "after switch {0} the search reads the new generation", rebuild + 1);
            });

            // Then every answer found the case, and so does a search after the last switch
            (await generations.ReadAsync(projection.Name, CancellationToken.None))!.Active.Should().Be(4);
            answers.Should().NotBeEmpty().And.OnlyContain(a => a.Length == 1 && a[0] == caseId);
            (await SearchAsync(employer, ReadModelCases.ResidentId(1))).Should().Equal(caseId);
            generations.LastSeenActive(projection.Name).Should().Be(4);
        }
        finally
        {
            await factory.DisposeAsync();
            await cleanup();
        }
    }

    private static async Task<(Guid Id, long Position)> SubmitAsync(CaseClient employer, int person)
    {
        var body = JsonSerializer.SerializeToNode(Requests.Submission(residentId: ReadModelCases.ResidentId(person)), CaseClient.Json)!.AsObject();
        var submitted = await Ok(employer.PostAsync("/api/v1/applications", body));
        return ((Guid)submitted["applicationId"]!, (long)submitted["position"]!);
    }

    private static async Task<Guid[]> SearchAsync(CaseClient client, string residentId, long? after = null)
    {
        var wait = after is null ? string.Empty : $"&after={after}";
        var page = (await client.Http.GetFromJsonAsync<JsonObject>($"/api/v1/applications?residentId={residentId}{wait}"))!;
        return page["items"]!.AsArray().Select(i => Guid.Parse(i!["applicationId"]!.GetValue<string>())).ToArray();
    }
}

public sealed class SqliteSearchGenerationSwitchTests : SearchGenerationSwitchTests
{
    protected override Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync() =>
        Task.FromResult<(CasesFactory, Func<Task>)>((new CasesFactory(), () => Task.CompletedTask));
}

[RequiresPostgres]
public sealed class PostgresSearchGenerationSwitchTests : SearchGenerationSwitchTests
{
    protected override async Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        return (new CasesFactory(database), () => PostgresServer.DropDatabaseAsync(database));
    }
}
