using System.Net;
using System.Net.Http.Json;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Applications.DeadlineJob;
using TitleEval.Cases.Api.Tests.Support;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.Applications;

public sealed class LifecycleTests : IAsyncLifetime
{
    private readonly CasesFactory factory = new();
    private CaseClient client = null!;

    public Task InitializeAsync()
    {
        client = factory.CaseClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public Task An_application_goes_from_submission_to_certificate_and_revocation_on_SQLite() => LifecycleScenario.RunAsync(factory);

    [Theory]
    [InlineData("Retired", "Engineering", "DeputySenior", "/problems/out-of-scope")]
    [InlineData("Employed", "Economics", "Intermediate", "/problems/exam-replaces-review")]
    [InlineData("Employed", "Accounting", "DeputySenior", "/problems/exam-pass-required")]
    [InlineData("Employed", "Engineering", "Assistant", "/problems/outside-window")]
    public async Task A_submission_a_rule_forbids_is_refused_with_its_problem_type_and_writes_nothing(string status, string series, string level, string type)
    {
        var response = await client.PostAsync("/api/v1/applications", Requests.Submission(employmentStatus: status, series: series, level: level));

        await ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, type);
        (await HeadAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_second_application_for_the_same_level_and_year_is_refused()
    {
        await Ok(client.PostAsync("/api/v1/applications", Requests.Submission()));
        var head = await HeadAsync();

        var second = await client.PostAsync("/api/v1/applications", Requests.Submission());

        await ShouldBeProblemAsync(second, HttpStatusCode.UnprocessableEntity, "/problems/duplicate-application");
        (await HeadAsync()).Should().Be(head);
    }

    [Fact]
    public async Task An_employers_second_applicant_must_go_to_the_same_committee()
    {
        await Ok(client.PostAsync("/api/v1/applications", Requests.Submission()));

        var other = await client.PostAsync("/api/v1/applications", Requests.Submission(residentId: "110105194912310038", committee: "another-committee"));

        await ShouldBeProblemAsync(other, HttpStatusCode.UnprocessableEntity, "/problems/committee-mismatch-employer");
    }

    [Fact]
    public async Task Invalid_fields_are_all_listed_in_one_400_and_nothing_is_written()
    {
        var response = await client.PostAsync("/api/v1/applications", new
        {
            planId = "2026-hohhot",
            applicant = new { name = new string('张', 51), residentId = "110105194912310021", birthDate = "1800-01-01" },
            level = "DeputySenior",
            materials = new[] { "" },
        });

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "/problems/validation-failed");
        var errors = problem["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(["applicant.name", "applicant.residentId", "applicant.birthDate", "materials[0]", "series", "employer", "channel"]);
        (await HeadAsync()).Should().Be(0);
    }

    [Fact]
    public async Task An_unknown_enum_value_or_malformed_json_is_a_400_naming_the_field()
    {
        var unknown = await client.PostAsync("/api/v1/applications", new { planId = "2026-hohhot", level = "Grandmaster" });
        var problem = await ShouldBeProblemAsync(unknown, HttpStatusCode.BadRequest, "/problems/validation-failed");
        problem["errors"]!.AsObject().Select(e => e.Key).Should().Contain("level");

        using var malformed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/applications") { Content = new StringContent("{\"planId\": ", System.Text.Encoding.UTF8, "application/json") };
        await ShouldBeProblemAsync(await client.Http.SendAsync(malformed), HttpStatusCode.BadRequest, "/problems/validation-failed");
    }

    [Fact]
    public async Task Commands_without_a_token_are_refused_and_write_nothing()
    {
        using var anonymous = factory.AnonymousClient();

        var response = await anonymous.PostAsJsonAsync("/api/v1/applications", Requests.Submission(), CaseClient.Json);

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized, "/problems/unauthenticated");
        (await HeadAsync()).Should().Be(0);
    }

    [Fact]
    public async Task The_actor_headers_of_before_are_ignored_the_token_names_the_actor()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/applications") { Content = JsonContent.Create(Requests.Submission(), options: CaseClient.Json) };
        request.Headers.Authorization = TestTokens.Header("applicant");
        request.Headers.Add("X-Actor-Id", "someone-else");
        request.Headers.Add("X-Actor-Role", "bureau");

        var created = await Ok(client.Http.SendAsync(request));

        var history = await client.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/applications/{created["applicationId"]}/history?after={created["position"]}");
        var filing = history!["entries"]![0]!;
        filing["actorId"]!.GetValue<string>().Should().Be(TestTokens.Subject);
        filing["actorRole"]!.GetValue<string>().Should().Be("applicant");
    }

    [Fact]
    public async Task State_refusals_answer_409_and_unknown_cases_404()
    {
        var id = await SubmitAsync();

        await ShouldBeProblemAsync(await client.CommandAsync(id, "revocation", new { grounds = "Plagiarism", decisionNumber = "1", authority = "人社局" }), HttpStatusCode.Conflict, "/problems/revocation-of-unapproved");
        await ShouldBeProblemAsync(await client.CommandAsync(id, "reviews", new { stage = "Employer", reviewer = "李四", opinion = "同意" }), HttpStatusCode.Conflict, "/problems/publicity-missing");
        await ShouldBeProblemAsync(await client.CommandAsync(id, "returns", new { stage = "Employer", items = Array.Empty<string>(), deadline = "2026-06-30" }), HttpStatusCode.UnprocessableEntity, "/problems/return-without-items");
        await ShouldBeProblemAsync(await client.CommandAsync(id, "publicities", new { stage = "Employer", start = "2026-06-15", workingDays = 4, postedAt = "公示栏" }), HttpStatusCode.UnprocessableEntity, "/problems/publicity-too-short");
        await ShouldBeProblemAsync(await client.CommandAsync(Guid.NewGuid(), "withdrawal", new { reason = "x" }), HttpStatusCode.NotFound, "/problems/application-not-found");
        (await client.Http.GetAsync($"/api/v1/applications/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_vote_short_of_quorum_and_an_approval_with_an_open_objection_are_refused()
    {
        var id = await AcceptedAsync();
        factory.Clock.SetToday(new DateOnly(2026, 9, 1));

        await ShouldBeProblemAsync(
            await client.CommandAsync(id, "vote", new { meetingDate = "2026-09-01", members = 15, present = 9, recused = 0, yes = 9, no = 0, abstain = 0, blind = true }),
            HttpStatusCode.UnprocessableEntity, "/problems/quorum-not-met");
        await Ok(client.CommandAsync(id, "vote", new { meetingDate = "2026-09-01", members = 15, present = 10, recused = 0, yes = 7, no = 3, abstain = 0, blind = true }));
        await Ok(client.CommandAsync(id, "publicities", new { stage = "Result", start = "2026-09-02", workingDays = 5, postedAt = "网站" }));
        await Ok(client.CommandAsync(id, "objections", new { topic = "MaterialAuthenticity", summary = "业绩材料疑似造假" }));
        factory.Clock.SetToday(new DateOnly(2026, 9, 20));
        await Ok(client.CommandAsync(id, "publicities/Result/close"));

        await ShouldBeProblemAsync(await client.CommandAsync(id, "approval", new { authority = "人社局" }), HttpStatusCode.Conflict, "/problems/objection-open");
    }

    [Fact]
    public async Task A_stale_if_match_is_refused_with_412_and_writes_nothing()
    {
        var id = await SubmitAsync();
        await Ok(client.CommandAsync(id, "publicities", new { stage = "Employer", start = "2026-06-15", workingDays = 5, postedAt = "公示栏" }, ifMatch: "\"0\""));
        var head = await HeadAsync();

        var stale = await client.CommandAsync(id, "withdrawal", new { reason = "个人原因" }, ifMatch: "\"0\"");

        await ShouldBeProblemAsync(stale, HttpStatusCode.PreconditionFailed, "/problems/precondition-failed");
        stale.Headers.ETag!.Tag.Should().Be("\"1\"");
        (await HeadAsync()).Should().Be(head);
    }

    [Fact]
    public async Task Two_parallel_commands_on_one_version_never_both_succeed()
    {
        var id = await SubmitAsync();

        var pinned = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.CommandAsync(id, "withdrawal", new { reason = "个人原因" }, ifMatch: "\"0\"")));
        pinned.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        pinned.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed).Should().Be(3);

        // Without If-Match the losers are decided again on fresh state: the case is withdrawn already, so they are refused.
        var id2 = await SubmitAsync(residentId: "110105194912310038");
        var unpinned = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.CommandAsync(id2, "withdrawal", new { reason = "个人原因" })));
        unpinned.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        unpinned.Count(r => r.StatusCode == HttpStatusCode.Conflict).Should().Be(3);
        (await client.GetAsync(id2))["version"]!.GetValue<long>().Should().Be(1);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_replays_and_another_body_is_refused()
    {
        var first = await client.PostAsync("/api/v1/applications", Requests.Submission(), idempotencyKey: "submit-zhang-1");
        var head = await HeadAsync();

        var replay = await client.PostAsync("/api/v1/applications", Requests.Submission(), idempotencyKey: "submit-zhang-1");
        var other = await client.PostAsync("/api/v1/applications", Requests.Submission(level: "FullSenior"), idempotencyKey: "submit-zhang-1");

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        replay.StatusCode.Should().Be(HttpStatusCode.Created);
        replay.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        (await replay.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        replay.Headers.Location.Should().Be(first.Headers.Location);
        await ShouldBeProblemAsync(other, HttpStatusCode.UnprocessableEntity, "/problems/idempotency-key-reused");
        (await HeadAsync()).Should().Be(head);
    }

    [Fact]
    public async Task A_returned_case_past_its_deadline_is_deemed_withdrawn_once_however_often_the_job_runs()
    {
        var id = await SubmitAsync();
        await Ok(client.CommandAsync(id, "returns", new { stage = "Employer", items = new[] { "缺少继续教育证明", "论文首页不清晰" }, deadline = "2026-06-30" }, as_: "employer"));
        var job = factory.Services.GetRequiredService<CorrectionDeadlineJob>();

        factory.Clock.SetToday(new DateOnly(2026, 6, 30));
        (await job.SweepAsync(CancellationToken.None)).Should().Be(0);
        factory.Clock.SetToday(new DateOnly(2026, 7, 1));
        var first = await job.SweepAsync(CancellationToken.None);
        var head = await HeadAsync();
        var second = await job.SweepAsync(CancellationToken.None);

        first.Should().Be(1);
        second.Should().Be(0);
        (await HeadAsync()).Should().Be(head);
        (await client.GetAsync(id))["status"]!.GetValue<string>().Should().Be("DeemedWithdrawn");
        await ShouldBeProblemAsync(await client.CommandAsync(id, "resubmission", new { changes = "补充了证明" }), HttpStatusCode.Conflict, "/problems/not-allowed-in-status");
    }

    private async Task<Guid> SubmitAsync(string residentId = Requests.ValidResidentId) =>
        (Guid)(await Ok(client.PostAsync("/api/v1/applications", Requests.Submission(residentId: residentId))))["applicationId"]!;

    private async Task<Guid> AcceptedAsync()
    {
        var id = await SubmitAsync();
        await PublicityAsync(factory, client, id, "Employer", new DateOnly(2026, 6, 15));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Employer", reviewer = "李四", opinion = "同意" }));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Department", reviewer = "王五", opinion = "同意" }));
        await PublicityAsync(factory, client, id, "Roster", factory.Clock.Today());
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Bureau", reviewer = "赵六", opinion = "同意" }));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "CommitteeOffice", reviewer = "钱七", opinion = "同意" }));
        return id;
    }

    private Task<long> HeadAsync() => factory.Services.GetRequiredService<IEventStore>().ReadHeadPositionAsync();

    private static async Task<System.Text.Json.Nodes.JsonObject> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        problem["type"]!.GetValue<string>().Should().Be(type, body);
        problem["title"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        problem["detail"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        return problem;
    }
}

[RequiresPostgres]
public sealed class PostgresLifecycleTests
{
    [EngineFact]
    public async Task An_application_goes_from_submission_to_certificate_and_revocation_on_PostgreSQL()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        try
        {
            await using var factory = new CasesFactory(database);
            await LifecycleScenario.RunAsync(factory);

            // Every read model applies the same events on PostgreSQL (a SQL error throws here, where the host would only log it)…
            await factory.Services.GetRequiredService<Projections.ProjectionHost>().CatchUpAsync(CancellationToken.None);
            var http = factory.CreateClient();
            var found = (await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/applications?residentId={Requests.ValidResidentId}"))!;
            var id = found["items"]!.AsArray().Single()!["applicationId"]!.GetValue<string>();

            // …and answers its queries.
            (await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/applications/{id}/history"))!["entries"]!.AsArray().Should().HaveCount(15, "submission, 3 publicities opened and closed, 4 stages, vote, approval, certificate, revocation");
            (await http.GetAsync($"/api/v1/applications/{id}/progress")).StatusCode.Should().Be(HttpStatusCode.OK);
            var view = await factory.CaseClient().GetAsync(Guid.Parse(id));
            var certificate = (await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/certificates/{view["certificateNumber"]}"))!;
            certificate["status"]!.GetValue<string>().Should().BeOneOf("revoked", "Revoked");
            var roster = await http.GetAsync("/api/v1/rosters?planYear=2026&format=xlsx");
            roster.StatusCode.Should().Be(HttpStatusCode.OK);
            (await http.GetAsync("/api/v1/statistics?planYear=2026")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }
}
