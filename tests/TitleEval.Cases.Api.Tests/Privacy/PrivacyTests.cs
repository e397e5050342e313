using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.Api.Tests.Support;
using TitleEval.Cases.EventStore;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.Privacy;

/// <summary>Masking by default, recorded unmasking, blind review and logs without personal data [architecture.md §4; issue 5 part 3].</summary>
public sealed class PrivacyTests : IAsyncDisposable
{
    // A distinctive applicant, so that a hit can only come from this test's data.
    private const string ResidentId = "150102197703171002";
    private const string Phone = "13947112358";
    private const string Name = "乌力吉巴雅尔";
    private const string EmployerCode = "91150100MA0N000000";
    private const string EmployerName = "呼和浩特市某设计院";

    private readonly List<CasesFactory> factories = [];
    private readonly string? postgres;

    public PrivacyTests()
        : this(null)
    {
    }

    /// <summary>On PostgreSQL (Message DB) when given a connection string: see <c>PostgresAuditAndPrivacyTests</c>.</summary>
    internal PrivacyTests(string? postgres) => this.postgres = postgres;

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in factories)
        {
            await factory.DisposeAsync();
        }
    }

    private static object Submission() => Requests.Submission(residentId: ResidentId, name: Name, phone: Phone);

    [Fact]
    public async Task Unmasking_returns_the_full_value_and_first_records_who_which_field_which_case_and_why()
    {
        var factory = Factory();
        var client = factory.CaseClient();
        var id = (Guid)(await Ok(client.PostAsync("/api/v1/applications", Submission())))["applicationId"]!;

        // When the committee office asks for the resident ID and then the phone, saying why
        var response = await client.PostAsync($"/api/v1/applications/{id}/unmask", new { field = "ResidentId", reason = "复核身份信息" }, as_: "committee-office");
        var phone = await Ok(client.PostAsync($"/api/v1/applications/{id}/unmask", new { field = "phone", reason = "联系申报人补充材料" }, as_: "committee-office"));

        // Then the answers carry the full values and are not to be cached
        var body = await Ok(Task.FromResult(response));
        body["value"]!.GetValue<string>().Should().Be(ResidentId);
        body["field"]!.GetValue<string>().Should().Be("ResidentId");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        phone["value"]!.GetValue<string>().Should().Be(Phone);

        // And each was recorded in the case's disclosure stream with the actor and the reason; the case itself did not move
        var store = factory.Services.GetRequiredService<IEventStore>();
        var recorded = await store.ReadStreamAsync(StreamName.For("disclosure", id.ToString("N")));
        recorded.Select(e => e.Type).Should().Equal("personal-data-disclosed.v1", "personal-data-disclosed.v1");
        var data = JsonNode.Parse(recorded[0].Data)!;
        data["applicationId"]!.GetValue<Guid>().Should().Be(id);
        data["field"]!.GetValue<string>().Should().Be("ResidentId");
        data["reason"]!.GetValue<string>().Should().Be("复核身份信息");
        var metadata = JsonNode.Parse(recorded[0].Metadata)!;
        metadata["actorId"]!.GetValue<string>().Should().Be("tester");
        metadata["actorRole"]!.GetValue<string>().Should().Be("committee-office");
        metadata["actorOrganisation"]!.GetValue<string>().Should().Be("12150100MB0000000X");
        metadata["reason"]!.GetValue<string>().Should().Be("复核身份信息");
        recorded[0].Data.Should().NotContain(ResidentId, "the record says which field was shown, not the value");
        recorded[0].GlobalPosition.Should().Be(body["position"]!.GetValue<long>());
        (await client.GetAsync(id))["version"]!.GetValue<long>().Should().Be(0);

        // And the inspectors' audit trail lists both disclosures of the case
        var audit = await client.Http.GetFromJsonAsync<JsonObject>($"/api/v1/audit/decisions?applicationId={id}&eventType=personal-data-disclosed.v1&after={phone["position"]}");
        var rows = audit!["items"]!.AsArray();
        rows.Select(r => r!["reason"]!.GetValue<string>()).Should().Equal("复核身份信息", "联系申报人补充材料");
        rows.Select(r => r!["actorRole"]!.GetValue<string>()).Should().AllBe("committee-office");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task Unmasking_without_a_reason_is_refused_and_shows_and_records_nothing(string? reason)
    {
        var factory = Factory();
        var client = factory.CaseClient();
        var id = (Guid)(await Ok(client.PostAsync("/api/v1/applications", Submission())))["applicationId"]!;
        var store = factory.Services.GetRequiredService<IEventStore>();
        var head = await store.ReadHeadPositionAsync();

        var response = await client.PostAsync($"/api/v1/applications/{id}/unmask", new { field = "ResidentId", reason }, as_: "bureau");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "/problems/disclosure-reason-required");
        problem.ToString().Should().NotContain(ResidentId);
        (await store.ReadHeadPositionAsync()).Should().Be(head);
    }

    [Fact]
    public async Task Unmasking_an_unknown_case_answers_404_and_records_nothing()
    {
        var factory = Factory();
        var client = factory.CaseClient();
        var store = factory.Services.GetRequiredService<IEventStore>();

        var response = await client.PostAsync($"/api/v1/applications/{Guid.NewGuid()}/unmask", new { field = "Phone", reason = "核实" }, as_: "bureau");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "/problems/application-not-found");
        (await store.ReadHeadPositionAsync()).Should().Be(0, "nothing was ever written");
    }

    [Fact]
    public async Task The_expert_view_carries_what_a_vote_needs_and_nothing_that_identifies_the_applicant()
    {
        var factory = Factory();
        var client = factory.CaseClient();
        var id = (Guid)(await Ok(client.PostAsync("/api/v1/applications", Submission())))["applicationId"]!;

        var response = await client.Http.GetAsync($"/api/v1/applications/{id}/review-view");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = ResponseRecorder.Readably(await response.Content.ReadAsStringAsync());
        var view = JsonNode.Parse(text)!.AsObject();

        // What the expert weighs
        view["series"]!.GetValue<string>().Should().Be("Engineering");
        view["level"]!.GetValue<string>().Should().Be("DeputySenior");
        view["education"]!.GetValue<string>().Should().Be("大学本科");
        view["currentTitle"]!.GetValue<string>().Should().Be("工程师");
        view["materials"]!.AsArray().Should().HaveCount(3);

        // Nothing that names the person: neither the values …
        foreach (var identifying in new[] { Name, ResidentId, ResidentId[..6] + "********" + ResidentId[14..], Phone, Phone[..3] + "****" + Phone[7..], EmployerCode, EmployerName, "呼和浩特市", "1949-12-31", "内蒙古大学", "蒙古族" })
        {
            text.Should().NotContain(identifying);
        }

        // … nor the fields, not even masked or empty
        var names = Properties(view).ToList();
        names.Should().NotContain(n => n.Contains("name", StringComparison.OrdinalIgnoreCase) || n.Contains("resident", StringComparison.OrdinalIgnoreCase)
            || n.Contains("phone", StringComparison.OrdinalIgnoreCase) || n.Contains("birth", StringComparison.OrdinalIgnoreCase)
            || n.Contains("gender", StringComparison.OrdinalIgnoreCase) || n.Contains("ethnicity", StringComparison.OrdinalIgnoreCase)
            || n.Contains("graduatedFrom", StringComparison.OrdinalIgnoreCase) || n.Contains("region", StringComparison.OrdinalIgnoreCase)
            || n.Contains("code", StringComparison.OrdinalIgnoreCase) || n.Contains("certificateNumber", StringComparison.OrdinalIgnoreCase)
            || n.Contains("recordId", StringComparison.OrdinalIgnoreCase) || n == "employer");
    }

    [Fact]
    public async Task No_response_of_the_whole_lifecycle_and_every_read_contains_the_full_resident_ID_or_phone()
    {
        var recorder = new ResponseRecorder();
        var factory = Factory(handlers: () => [recorder.Handler()]);

        await ReadEverythingAfterTheLifecycleAsync(factory);

        var responses = recorder.Responses;
        responses.Count.Should().BeGreaterThan(40);
        var masked = ResidentId[..6] + "********";
        responses.Should().Contain(r => r.Body.Contains(masked, StringComparison.Ordinal), "the masked ID is shown (so the check looks at real bodies)");
        foreach (var (request, status, body) in responses)
        {
            body.Should().NotContain(ResidentId, $"{request} answered {status}").And.NotContain(Phone, $"{request} answered {status}");
        }
    }

    [Fact]
    public async Task No_log_line_of_the_whole_lifecycle_at_any_level_contains_the_resident_ID_phone_or_name()
    {
        var factory = Factory(captureAllLogs: true);

        var id = await ReadEverythingAfterTheLifecycleAsync(factory);
        var client = factory.CaseClient("bureau");
        (await Ok(client.PostAsync($"/api/v1/applications/{id}/unmask", new { field = "ResidentId", reason = "核实" })))["value"]!.GetValue<string>().Should().Be(ResidentId);
        await client.Http.GetAsync("/this/does/not/exist?residentId=" + ResidentId);
        (await client.Http.GetAsync($"{ThrowingRoutes.Unhandled}?residentId={ResidentId}&phone={Phone}")).StatusCode.Should().Be(HttpStatusCode.InternalServerError);

        var events = factory.Logs.Events;

        // The sink saw everything: ASP.NET Core's debug lines and our request lines for the queries that carried the ID
        events.Should().Contain(e => e.Level == LogEventLevel.Debug && (e.Scalar("SourceContext") as string ?? string.Empty).StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        events.Should().Contain(e => e.EventId() == 2000 && (e.Scalar("Path") as string) == "/api/v1/applications/" && e.Scalar("Method") as string == "GET");
        events.Should().Contain(e => e.Exception != null, "the unhandled exception was logged, with the request's query string at hand");
        foreach (var e in events)
        {
            var text = $"{e.RenderMessage()} {string.Join(" ", e.Properties.Select(p => $"{p.Key}={p.Value}"))} {e.Exception}";
            text.Should().NotContain(ResidentId).And.NotContain(Phone).And.NotContain(Name);
        }
    }

    /// <summary>The full lifecycle, then every read endpoint and a few problem answers, through <paramref name="factory"/>'s clients.</summary>
    private static async Task<Guid> ReadEverythingAfterTheLifecycleAsync(CasesFactory factory)
    {
        var id = await LifecycleScenario.RunAsync(factory, Submission(), ResidentId);
        await factory.Services.GetRequiredService<ProjectionHost>().CatchUpAsync(CancellationToken.None);
        var client = factory.CaseClient("committee-office");
        var http = client.Http;
        var certificate = (await client.GetAsync(id))["certificateNumber"]!.GetValue<string>();
        var paths = new List<string>
        {
            $"/api/v1/applications/{id}",
            $"/api/v1/applications/{id}/history",
            $"/api/v1/applications/{id}/progress",
            $"/api/v1/applications/{id}/review-view",
            $"/api/v1/applications/?residentId={ResidentId}",
            $"/api/v1/applications/?name={Uri.EscapeDataString(Name)}",
            "/api/v1/rosters?committee=hohhot-engineering-senior&planYear=2026&series=Engineering&level=DeputySenior",
            "/api/v1/rosters?committee=hohhot-engineering-senior&planYear=2026&series=Engineering&level=DeputySenior&format=csv",
            $"/api/v1/certificates/{certificate}",
            "/api/v1/integrity-records/",
            $"/api/v1/integrity-records/check?residentId={ResidentId}",
            "/api/v1/statistics?planYear=2026",
            "/api/v1/audit/decisions?limit=1000",
            "/api/v1/audit/decisions/export",
            "/api/v1/admin/projections",
        };
        foreach (var path in paths)
        {
            var response = await http.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        }

        var search = await http.GetFromJsonAsync<JsonObject>($"/api/v1/applications/?residentId={ResidentId}");
        search!["items"]!.AsArray().Should().ContainSingle("the search by ID found the case, so its answer was really read");

        // The body forms of the two lookups by resident ID find the same, with the ID kept out of the URL.
        var searched = await Ok(client.PostAsync("/api/v1/applications/search", new { residentId = ResidentId }));
        searched["items"]!.AsArray().Select(i => i!["applicationId"]!.GetValue<Guid>()).Should().Equal(id);
        var checkedByBody = await Ok(client.PostAsync("/api/v1/integrity-records/check", new { residentId = ResidentId }));
        checkedByBody["blocksFiling"]!.GetValue<bool>().Should().BeTrue();
        checkedByBody.ToJsonString().Should().Be((await http.GetFromJsonAsync<JsonObject>($"/api/v1/integrity-records/check?residentId={ResidentId}"))!.ToJsonString());
        (await client.PostAsync("/api/v1/applications/search", new { residentId = ResidentId[..17] + "0", limit = 0 })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var records = await http.GetFromJsonAsync<JsonObject>("/api/v1/integrity-records/");
        var recordId = records!["items"]!.AsArray().Single()!["recordId"]!.GetValue<Guid>();
        (await http.GetAsync($"/api/v1/integrity-records/{recordId}")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Problem answers: a body that fails validation or binding while carrying the data, an unknown case.
        (await client.PostAsync("/api/v1/applications", Requests.Submission(residentId: ResidentId, name: Name, phone: Phone + "x"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var malformed = new StringContent($$$"""{"planId":"2026-hohhot","applicant":{"name":"{{{Name}}}","residentId":"{{{ResidentId}}}","phone":"{{{Phone}}}","gender":"{{{ResidentId}}}"}}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync("/api/v1/applications", malformed)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.GetAsync($"/api/v1/applications/{Guid.NewGuid()}/history")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("/api/v1/integrity-records/check?residentId=" + ResidentId[..17] + "0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        return id;
    }

    private CasesFactory Factory(Func<DelegatingHandler[]>? handlers = null, bool captureAllLogs = false)
    {
        var factory = new CasesFactory(postgres) { ClientHandlers = handlers, CaptureAllLogs = captureAllLogs };
        factories.Add(factory);
        return factory;
    }

    private static IEnumerable<string> Properties(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Properties(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(Properties),
        _ => [],
    };
}
