using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using FluentAssertions;
using TitleEval.Cases.Api.Audit;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.Api.Tests.Privacy;
using TitleEval.Cases.Api.Tests.Support;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.Api.Tests.Audit;

/// <summary>Given decisions made through the API by several actors, when an inspector queries the audit trail, then these rows.</summary>
public sealed class AuditDecisionsTests : IAsyncLifetime
{
    private const string Employer = "91150100MA0N000000";
    private const string Bureau = "11150100MB1234567X";

    private readonly CasesFactory factory;
    private HttpClient http = null!;

    public AuditDecisionsTests()
        : this(null)
    {
    }

    /// <summary>On PostgreSQL (Message DB) when given a connection string: see <see cref="PostgresAuditAndPrivacyTests"/>.</summary>
    internal AuditDecisionsTests(string? postgres) => factory = new CasesFactory(postgres);

    public Task InitializeAsync()
    {
        http = factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task A_decision_is_listed_with_who_in_which_role_and_organisation_why_when_and_its_request_chain()
    {
        // Given a filing and an employer's return for correction, made by different actors
        var id = await SubmitAsync("2026-06-15", "1");
        factory.Clock.SetToday(new DateOnly(2026, 6, 16));
        var returned = await CommandAsync(id, "returns", new { stage = "Employer", items = new[] { "缺少继续教育证明" }, deadline = "2026-06-30" }, "emp-lee", "employer", Employer, correlation: "corr-42");

        // When the inspector lists the case's decisions
        var rows = await AllAsync($"applicationId={id}", after: returned);

        // Then the filing's events (case, person, employer streams) and the return, oldest first, with their audit fields
        rows.Select(r => r["eventType"]!.GetValue<string>()).Should().Equal(
            "application-submitted.v1", "person-application-filed.v1", "returned-for-correction.v1");
        rows.Select(r => r["position"]!.GetValue<long>()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var submitted = rows[0];
        submitted["actorId"]!.GetValue<string>().Should().Be("applicant-1");
        submitted["actorRole"]!.GetValue<string>().Should().Be("applicant");
        submitted["stream"]!.GetValue<string>().Should().Be($"application-{id:N}");
        submitted["applicationId"]!.GetValue<Guid>().Should().Be(id);
        var person = rows[1];
        person["stream"]!.GetValue<string>().Should().StartWith("person-");
        person["correlationId"]!.GetValue<string>().Should().Be(submitted["correlationId"]!.GetValue<string>());
        var @return = rows[2];
        @return["actorId"]!.GetValue<string>().Should().Be("emp-lee");
        @return["actorRole"]!.GetValue<string>().Should().Be("employer");
        @return["actorOrganisation"]!.GetValue<string>().Should().Be(Employer);
        @return["clientId"]!.GetValue<string>().Should().Be("portal");
        @return["reason"]!.GetValue<string>().Should().Be("缺少继续教育证明");
        @return["correlationId"]!.GetValue<string>().Should().Be("corr-42");
        @return["causationId"]!.GetValue<string>().Should().Be("corr-42");
        @return["occurredAt"]!.GetValue<DateTimeOffset>().Should().Be(factory.Clock.Now);
        @return["position"]!.GetValue<long>().Should().Be(returned);

        // And no personal data: no applicant name, resident ID or phone anywhere in the rows
        var text = new JsonArray([.. rows.Select(r => r.DeepClone())]).ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        text.Should().NotContain(Requests.Name).And.NotContain(Requests.Phone).And.NotContain(Requests.ValidResidentId);
    }

    [Fact]
    public async Task Filters_combine_actor_organisation_role_event_type_case_and_time_range()
    {
        // Given two filings; the employer's Li opens the unit's publicity of each on a different day; the second applicant withdraws
        var first = await SubmitAsync("2026-06-15", "1");
        var second = await SubmitAsync("2026-06-15", "2");
        factory.Clock.SetToday(new DateOnly(2026, 6, 16));
        await CommandAsync(first, "publicities", new { stage = "Employer", start = "2026-06-16", workingDays = 5, postedAt = "单位公示栏" }, "emp-lee", "employer", Employer);
        factory.Clock.SetToday(new DateOnly(2026, 6, 17));
        await CommandAsync(second, "publicities", new { stage = "Employer", start = "2026-06-17", workingDays = 5, postedAt = "单位公示栏" }, "emp-lee", "employer", Employer);
        var last = await CommandAsync(second, "withdrawal", new { reason = "个人原因" }, "applicant-2", "applicant", "none");

        async Task<IEnumerable<(string Type, string Actor, Guid? Case)>> Rows(string filter) =>
            (await AllAsync(filter, after: last)).Select(r => (r["eventType"]!.GetValue<string>(), r["actorId"]!.GetValue<string>(), (Guid?)r["applicationId"]?.GetValue<Guid>()));

        (await Rows("actor=emp-lee")).Should().Equal(("publicity-opened.v1", "emp-lee", first), ("publicity-opened.v1", "emp-lee", second));
        (await Rows("actor=emp-lee&applicationId=" + second)).Should().Equal(("publicity-opened.v1", "emp-lee", second));
        (await Rows("actor=emp-lee&from=2026-06-16&to=2026-06-16")).Should().Equal(("publicity-opened.v1", "emp-lee", first));
        (await Rows("organisation=" + Employer + "&eventType=publicity-opened.v1&from=2026-06-17T00:00:00%2B08:00")).Should().Equal(("publicity-opened.v1", "emp-lee", second));
        (await Rows("role=applicant&eventType=withdrawn.v1")).Should().Equal(("withdrawn.v1", "applicant-2", second));
        (await Rows("role=applicant&actor=emp-lee")).Should().BeEmpty();
        (await Rows("role=employer&applicationId=" + first)).Should().Equal(("publicity-opened.v1", "emp-lee", first));
        (await Rows("eventType=application-submitted.v1&to=2026-06-15")).Should().HaveCount(2);
        (await Rows("eventType=application-submitted.v1&from=2026-06-16")).Should().BeEmpty();
    }

    [Fact]
    public async Task Pages_are_stable_and_together_hold_every_row_once_even_while_events_arrive()
    {
        // Given four filings (each writes several events)
        for (var i = 1; i <= 4; i++)
        {
            await SubmitAsync("2026-06-15", i.ToString(CultureInfo.InvariantCulture));
        }

        var last = await CommandAsync(await SubmitAsync("2026-06-15", "5"), "withdrawal", new { reason = "个人原因" }, "applicant-5", "applicant", "none");

        // When the inspector pages through with limit 4, and new events arrive after the first page
        var firstPage = await PageAsync($"limit=4&after={last}");
        var again = await PageAsync("limit=4");
        again.ToJsonString().Should().Be(firstPage.ToJsonString(), "the same request answers the same page");
        var arrived = await CommandAsync(await SubmitAsync("2026-06-15", "6"), "withdrawal", new { reason = "个人原因" }, "applicant-6", "applicant", "none");

        var positions = firstPage["items"]!.AsArray().Select(r => r!["position"]!.GetValue<long>()).ToList();
        var cursor = firstPage["nextCursor"]!.GetValue<string>();
        var pages = 1;
        while (cursor is not null)
        {
            var page = await PageAsync($"limit=4&cursor={cursor}&after={arrived}");
            page["items"]!.AsArray().Count.Should().BeInRange(1, 4);
            positions.AddRange(page["items"]!.AsArray().Select(r => r!["position"]!.GetValue<long>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }

        // Then the pages hold every event of the log exactly once, in order — the ones that arrived meanwhile included
        var all = await AllAsync(string.Empty, after: arrived);
        positions.Should().Equal(all.Select(r => r["position"]!.GetValue<long>()));
        positions.Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
        positions.Should().Contain(arrived);
        positions.Should().Equal(Enumerable.Range(1, (int)arrived).Select(p => (long)p), "every event of the log is a row");
        pages.Should().Be((positions.Count + 3) / 4);
    }

    [Fact]
    public async Task The_CSV_export_of_a_filter_round_trips_with_CsvHelper_to_the_rows_the_query_lists()
    {
        var id = await SubmitAsync("2026-06-15", "1");
        await CommandAsync(id, "returns", new { stage = "Employer", items = new[] { "缺少\"继续教育\"证明, 第2项" }, deadline = "2026-06-30" }, "emp-lee", "employer", Employer);
        var last = await CommandAsync(id, "resubmission", new { changes = "已补充" }, "applicant-1", "applicant", "none");
        await SubmitAsync("2026-06-15", "2");

        var listed = await AllAsync($"applicationId={id}", after: last);
        var response = await http.GetAsync($"/api/v1/audit/decisions/export?applicationId={id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("text/csv; charset=utf-8");
        response.Content.Headers.ContentDisposition!.FileName.Should().Contain("audit-decisions.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Take(3).Should().Equal([0xEF, 0xBB, 0xBF], "Excel needs the BOM to read UTF-8");
        using var reader = new CsvReader(new StringReader(Encoding.UTF8.GetString(bytes.AsSpan(3))), CultureInfo.InvariantCulture);
        reader.Context.TypeConverterOptionsCache.GetOptions<string>().NullValues.Add(string.Empty);
        var rows = reader.GetRecords<GetAuditDecisions.AuditDecision>().ToList();

        var expected = listed.Select(r => System.Text.Json.JsonSerializer.Deserialize<GetAuditDecisions.AuditDecision>(r, CaseClient.Json)!).ToList();
        expected.Should().HaveCount(4);
        rows.Should().Equal(expected);
    }

    [Fact]
    public async Task The_export_escapes_text_a_spreadsheet_would_run_as_a_formula()
    {
        var id = await SubmitAsync("2026-06-15", "1");
        var withdrawn = await CommandAsync(id, "withdrawal", new { reason = "=HYPERLINK(\"http://x\")" }, "applicant-1", "applicant", "none");
        await AllAsync(string.Empty, after: withdrawn);

        var csv = await http.GetStringAsync($"/api/v1/audit/decisions/export?eventType=withdrawn.v1");

        csv.Should().Contain("'=HYPERLINK").And.NotContain(",=HYPERLINK").And.NotContain(",\"=HYPERLINK");
    }

    [Theory]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-06-16&to=2026-06-15", "to")]
    [InlineData("applicationId=42", "applicationId")]
    public async Task An_invalid_parameter_answers_400_naming_it(string query, string field)
    {
        // The export has no pages, so it takes no limit.
        foreach (var path in field == "limit" ? ["/api/v1/audit/decisions"] : new[] { "/api/v1/audit/decisions", "/api/v1/audit/decisions/export" })
        {
            var response = await http.GetAsync($"{path}?{query}");

            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "/problems/validation-failed");
            problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
        }
    }

    private async Task<Guid> SubmitAsync(string day, string who)
    {
        factory.Clock.SetToday(DateOnly.Parse(day, CultureInfo.InvariantCulture));
        var residentId = who switch
        {
            "1" => Requests.ValidResidentId,
            _ => ValidResidentIdFor(int.Parse(who, CultureInfo.InvariantCulture)),
        };
        using var request = Request(HttpMethod.Post, "/api/v1/applications", Requests.Submission(residentId: residentId), $"applicant-{who}", "applicant", "none", null);
        var response = await http.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await CaseClient.BodyAsync(response))["applicationId"]!.GetValue<Guid>();
    }

    private async Task<long> CommandAsync(Guid id, string command, object body, string actor, string role, string organisation, string? correlation = null)
    {
        using var request = Request(HttpMethod.Post, $"/api/v1/applications/{id}/{command}", body, actor, role, organisation, correlation);
        var response = await http.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await CaseClient.BodyAsync(response))["position"]!.GetValue<long>();
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object body, string actor, string role, string organisation, string? correlation)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: CaseClient.Json) };
        // The actor recorded is the token's: its subject, role, organisation and client.
        var claims = TestTokens.Claims(role);
        claims["sub"] = actor;
        claims["org"] = organisation;
        claims["client_id"] = "portal";
        request.Headers.Authorization = TestTokens.Header(claims);
        if (correlation is not null)
        {
            request.Headers.Add("X-Correlation-Id", correlation);
        }

        return request;
    }

    private async Task<JsonObject> PageAsync(string query)
    {
        var response = await http.GetAsync($"/api/v1/audit/decisions?{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await CaseClient.BodyAsync(response);
    }

    /// <summary>Every row the filter selects, read in one page (and after the given position, so the read model has caught up).</summary>
    private async Task<IReadOnlyList<JsonObject>> AllAsync(string filter, long after)
    {
        var page = await PageAsync($"{filter}&limit=1000&after={after}");
        page["nextCursor"].Should().BeNull();
        return page["items"]!.AsArray().Select(r => r!.AsObject()).ToList();
    }

    /// <summary>A valid resident ID per index (GB 11643 check character), so each filing is another person.</summary>
    public static string ValidResidentIdFor(int index)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var body = $"15010219800101{index:000}";
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }
}

/// <summary>The audit queries, their CSV, unmasking and the masking sweep on PostgreSQL, each on a database of its own.</summary>
[RequiresPostgres]
public sealed class PostgresAuditAndPrivacyTests
{
    [EngineFact]
    public async Task Audit_queries_pages_CSV_and_unmasking_work_on_PostgreSQL()
    {
        Func<AuditDecisionsTests, Task>[] auditTests =
        [
            t => t.A_decision_is_listed_with_who_in_which_role_and_organisation_why_when_and_its_request_chain(),
            t => t.Filters_combine_actor_organisation_role_event_type_case_and_time_range(),
            t => t.Pages_are_stable_and_together_hold_every_row_once_even_while_events_arrive(),
            t => t.The_CSV_export_of_a_filter_round_trips_with_CsvHelper_to_the_rows_the_query_lists(),
        ];
        foreach (var test in auditTests)
        {
            await OnDatabaseAsync(async database =>
            {
                var tests = new AuditDecisionsTests(database);
                try
                {
                    await tests.InitializeAsync();
                    await test(tests);
                }
                finally
                {
                    await tests.DisposeAsync();
                }
            });
        }

        Func<PrivacyTests, Task>[] privacyTests =
        [
            t => t.Unmasking_returns_the_full_value_and_first_records_who_which_field_which_case_and_why(),
            t => t.No_response_of_the_whole_lifecycle_and_every_read_contains_the_full_resident_ID_or_phone(),
        ];
        foreach (var test in privacyTests)
        {
            await OnDatabaseAsync(async database =>
            {
                await using var tests = new PrivacyTests(database);
                await test(tests);
            });
        }
    }

    private static async Task OnDatabaseAsync(Func<string, Task> run)
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        try
        {
            await run(database);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }
}
