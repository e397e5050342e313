using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Integrity;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.Api.Tests.ReadModels;
using TitleEval.Cases.Testing;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.Integrity;

/// <summary>
/// The check reads the blacklist in one statement against the generation it last saw active, which that statement
/// confirms; these tests switch generations under it (three rebuilds, so the first two generations' tables are dropped)
/// while checks keep running, and every answer must still be the right one.
/// </summary>
public abstract class IntegrityCheckGenerationSwitchTests
{
    private const string EmployerCode = "91150100MA0N000000";
    private const string OtherEmployerCode = "91150100MA0N000017";

    protected abstract Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync();

    [EngineFact]
    public async Task Checks_running_while_the_blacklist_is_rebuilt_and_switched_three_times_all_find_the_record()
    {
        var (factory, cleanup) = await CreateAsync();
        try
        {
            // Given an employer on the blacklist, checked once so the generation it is read from is remembered
            var bureau = factory.CaseClient("bureau");
            var record = await Ok(bureau.PostAsync("/api/v1/integrity-records", new
            {
                subjectKind = "employer", organisationCode = EmployerCode, subjectName = "呼和浩特市某设计院", misconduct = "为申报人出具虚假业绩证明",
                sanction = "Criticism", decisionReference = "呼人社决〔2026〕5号", recordedOn = "2026-06-01",
            }));
            var recordId = (Guid)record["recordId"]!;
            var host = factory.Services.GetRequiredService<ProjectionHost>();
            var generations = factory.Services.GetRequiredService<ProjectionGenerations>();
            var projection = host.Find(IntegrityRecordsProjection.ProjectionName)!;
            await host.CatchUpAsync(CancellationToken.None);
            (await CheckAsync(bureau)).Should().Equal(recordId);

            // When checks run continuously while the read model is rebuilt into generations 2, 3 and 4, each switched in
            var answers = await GenerationSwitches.ReadWhileSwitchingAsync(factory, projection, () => CheckAsync(bureau), async rebuild =>
            {
                // A record written after the switch is only in the new generation: a check still reading the old one misses it.
                var later = await Ok(bureau.PostAsync("/api/v1/integrity-records", new
                {
                    subjectKind = "employer", organisationCode = OtherEmployerCode, subjectName = "呼和浩特市某咨询公司", misconduct = "出具虚假证明",
                    sanction = "Criticism", decisionReference = $"呼人社决〔2026〕{10 + rebuild}号", recordedOn = "2026-06-01",
                }));
                (await CheckAsync(bureau, OtherEmployerCode, (long)later["position"]!)).Should().HaveCount(rebuild + 1, "after switch {0} the check reads the new generation", rebuild + 1);
            });

            // Then every answer found the record, and so does a check after the last switch
            (await generations.ReadAsync(projection.Name, CancellationToken.None))!.Active.Should().Be(4);
            answers.Should().NotBeEmpty().And.OnlyContain(a => a.Length == 1 && a[0] == recordId);
            (await CheckAsync(bureau)).Should().Equal(recordId);
            generations.LastSeenActive(projection.Name).Should().Be(4);
        }
        finally
        {
            await factory.DisposeAsync();
            await cleanup();
        }
    }

    private static async Task<Guid[]> CheckAsync(CaseClient bureau, string organisationCode = EmployerCode, long? after = null)
    {
        var wait = after is null ? string.Empty : $"&after={after}";
        var answer = (await bureau.Http.GetFromJsonAsync<JsonObject>($"/api/v1/integrity-records/check?organisationCode={organisationCode}&on=2026-06-15{wait}"))!;
        return answer["records"]!.AsArray().Select(r => (Guid)r!["recordId"]!).ToArray();
    }
}

public sealed class SqliteIntegrityCheckGenerationSwitchTests : IntegrityCheckGenerationSwitchTests
{
    protected override Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync() =>
        Task.FromResult<(CasesFactory, Func<Task>)>((new CasesFactory(), () => Task.CompletedTask));
}

[RequiresPostgres]
public sealed class PostgresIntegrityCheckGenerationSwitchTests : IntegrityCheckGenerationSwitchTests
{
    protected override async Task<(CasesFactory Factory, Func<Task> Cleanup)> CreateAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        return (new CasesFactory(database), () => PostgresServer.DropDatabaseAsync(database));
    }
}
