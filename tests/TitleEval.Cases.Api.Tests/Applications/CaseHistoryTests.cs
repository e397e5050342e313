using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using TitleEval.Cases.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Projections;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.Applications;

public sealed class CaseHistoryTests : IAsyncLifetime
{
    private readonly CasesFactory factory = new();
    private CaseClient client = null!;

    public Task InitializeAsync()
    {
        client = factory.CaseClient("employer");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task A_query_with_after_sees_the_command_it_follows()
    {
        var submitted = await Ok(client.PostAsync("/api/v1/applications", Requests.Submission()));
        var id = (Guid)submitted["applicationId"]!;
        var opened = await Ok(client.CommandAsync(id, "publicities", new { stage = "Employer", start = "2026-06-15", workingDays = 5, postedAt = "单位公示栏" }));

        var history = await HistoryAsync(id, after: (long)opened["position"]!);

        history["entries"]!.AsArray().Select(e => e!["eventType"]!.GetValue<string>()).Should().Equal("application-submitted.v1", "publicity-opened.v1");
    }

    [Fact]
    public async Task The_history_lists_every_event_in_order_with_who_why_and_when_and_masks_personal_data()
    {
        var id = (Guid)(await Ok(client.PostAsync("/api/v1/applications", Requests.Submission())))["applicationId"]!;
        var returned = await Ok(client.CommandAsync(id, "returns", new { stage = "Employer", items = new[] { "缺少继续教育证明" }, deadline = "2026-06-30" }));

        var history = await HistoryAsync(id, after: (long)returned["position"]!);
        var entries = history["entries"]!.AsArray();

        entries.Select(e => e!["version"]!.GetValue<long>()).Should().Equal(0, 1);
        var returnEntry = entries[1]!;
        returnEntry["eventType"]!.GetValue<string>().Should().Be("returned-for-correction.v1");
        returnEntry["actorId"]!.GetValue<string>().Should().Be("tester");
        returnEntry["actorRole"]!.GetValue<string>().Should().Be("employer");
        returnEntry["actorOrganisation"]!.GetValue<string>().Should().Be(TestTokens.EmployerCode);
        returnEntry["reason"]!.GetValue<string>().Should().Be("缺少继续教育证明");
        returnEntry["details"]!["items"]!.AsArray().Should().ContainSingle();
        var text = history.ToJsonString();
        text.Should().NotContain(Requests.ValidResidentId).And.NotContain("13800000000");
        entries[0]!["details"]!["applicant"]!["residentId"]!.GetValue<string>().Should().Be("110105********002X");
    }

    [Fact]
    public async Task A_position_the_read_model_does_not_reach_in_time_answers_503_with_retry_after()
    {
        var id = (Guid)(await Ok(client.PostAsync("/api/v1/applications", Requests.Submission())))["applicationId"]!;

        var response = await client.Http.GetAsync($"/api/v1/applications/{id}/history?after=999999");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        (await CaseClient.BodyAsync(response))["type"]!.GetValue<string>().Should().Be("/problems/projection-behind");
    }

    [Fact]
    public async Task An_unknown_case_has_no_history() =>
        (await client.Http.GetAsync($"/api/v1/applications/{Guid.NewGuid()}/history")).StatusCode.Should().Be(HttpStatusCode.NotFound);

    [Fact]
    public async Task A_rebuild_gives_identical_rows_and_the_old_generation_serves_until_the_new_one_caught_up()
    {
        var id = (Guid)(await Ok(client.PostAsync("/api/v1/applications", Requests.Submission())))["applicationId"]!;
        var last = await Ok(client.CommandAsync(id, "publicities", new { stage = "Employer", start = "2026-06-15", workingDays = 5, postedAt = "单位公示栏" }));
        var before = (await HistoryAsync(id, after: (long)last["position"]!)).ToJsonString();
        var generations = factory.Services.GetRequiredService<ProjectionGenerations>();
        var host = factory.Services.GetRequiredService<ProjectionHost>();

        var started = await client.Http.PostAsync("/api/v1/admin/projections/case-history-v2/rebuild", null);
        var whileBuilding = await generations.ReadAsync("case-history-v2", CancellationToken.None);
        await host.CatchUpAsync(CancellationToken.None);
        var after = await generations.ReadAsync("case-history-v2", CancellationToken.None);

        started.StatusCode.Should().Be(HttpStatusCode.Accepted);
        if (whileBuilding!.Building is not null)
        {
            // Until the switch, queries read the old generation.
            (await host.ActiveTablesAsync(host.Find("case-history-v2")!, CancellationToken.None)).Generation.Should().BeLessThanOrEqualTo(whileBuilding.Active + 1);
        }

        after!.Should().Be(new ProjectionGeneration("case-history-v2", 2, null));
        (await HistoryAsync(id)).ToJsonString().Should().Be(before);
    }

    [Fact]
    public async Task Readiness_reports_each_projections_lag()
    {
        var submitted = await Ok(client.PostAsync("/api/v1/applications", Requests.Submission()));
        await HistoryAsync((Guid)submitted["applicationId"]!, after: (long)submitted["position"]!);

        var ready = (await client.Http.GetFromJsonAsync<JsonObject>("/health/ready"))!;

        var history = ready["projections"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "case-history-v2")!;
        history["checkpoint"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo((long)submitted["position"]!);
        history["lagEvents"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task An_unknown_projection_cannot_be_rebuilt() =>
        (await client.Http.PostAsync("/api/v1/admin/projections/nope/rebuild", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);

    private async Task<JsonObject> HistoryAsync(Guid id, long? after = null)
    {
        var response = await client.Http.GetAsync($"/api/v1/applications/{id}/history{(after is { } a ? $"?after={a}" : string.Empty)}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
