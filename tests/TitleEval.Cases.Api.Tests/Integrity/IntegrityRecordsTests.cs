using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Integrity;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.Api.Tests.Support;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.Integrity;

/// <summary>诚信档案库 / 失信黑名单 [000 七(一)4; 001 七(三)]: three-year records, listed and checked by date, expired by a job.</summary>
public sealed class IntegrityRecordsTests : IAsyncLifetime
{
    private const string ExpertResidentId = "150102197511200040";
    private const string EmployerCode = "91150100MA0N000000";

    private readonly CasesFactory factory = new();
    private CaseClient bureau = null!;

    public Task InitializeAsync()
    {
        bureau = factory.CaseClient("bureau");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task A_record_is_active_until_the_day_before_its_third_anniversary()
    {
        // Given an expert recorded on 2026-06-15
        var recorded = await RecordAsync(Expert(recordedOn: "2026-06-15"));

        // When the bureau checks the day before and on the third anniversary
        var dayBefore = await CheckAsync($"residentId={ExpertResidentId}&on=2029-06-14", recorded);
        var anniversary = await CheckAsync($"residentId={ExpertResidentId}&on=2029-06-15", recorded);

        // Then the record is active the day before and not on the anniversary
        recorded["expiresOn"]!.GetValue<string>().Should().Be("2029-06-15");
        dayBefore["hasActiveRecord"]!.GetValue<bool>().Should().BeTrue();
        dayBefore["records"]!.AsArray().Single()!["recordId"]!.GetValue<Guid>().Should().Be((Guid)recorded["recordId"]!);
        anniversary["hasActiveRecord"]!.GetValue<bool>().Should().BeFalse();
        anniversary["records"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_record_made_on_a_leap_day_ends_on_the_last_day_of_february_three_years_later()
    {
        // Given an employer recorded on 2024-02-29
        var recorded = await RecordAsync(Unit(recordedOn: "2024-02-29"));

        // When it is checked on 2027-02-27 and on 2027-02-28
        var before = await CheckAsync($"organisationCode={EmployerCode}&on=2027-02-27", recorded);
        var on = await CheckAsync($"organisationCode={EmployerCode}&on=2027-02-28", recorded);

        // Then it expires on 2027-02-28: active the day before, not on it
        recorded["expiresOn"]!.GetValue<string>().Should().Be("2027-02-28");
        before["hasActiveRecord"]!.GetValue<bool>().Should().BeTrue();
        on["hasActiveRecord"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task The_expiry_job_writes_the_expiry_once_however_often_it_runs()
    {
        // Given a record of 2026-06-15, caught up in the read model
        var recorded = await RecordAsync(Expert(recordedOn: "2026-06-15"));
        var recordId = (Guid)recorded["recordId"]!;
        var job = factory.Services.GetRequiredService<IntegrityExpiryJob>();
        var host = factory.Services.GetRequiredService<ProjectionHost>();
        await host.CatchUpAsync(CancellationToken.None);

        // When the job runs the day before the anniversary, then repeatedly (and concurrently) on it, before the read model sees its write
        factory.Clock.SetToday(new DateOnly(2029, 6, 14));
        var early = await job.SweepAsync(CancellationToken.None);
        factory.Clock.SetToday(new DateOnly(2029, 6, 15));
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => job.SweepAsync(CancellationToken.None))));
        var again = await job.SweepAsync(CancellationToken.None);
        await host.CatchUpAsync(CancellationToken.None);
        var afterCatchUp = await job.SweepAsync(CancellationToken.None);

        // Then nothing was written early and exactly one expiry event was written on the day
        early.Should().Be(0);
        (sweeps.Sum() + again + afterCatchUp).Should().Be(1);
        var stream = await factory.Services.GetRequiredService<IEventStore>().ReadStreamAsync(StreamName.For("integrity", recordId.ToString("N")));
        stream.Select(e => e.Type).Should().Equal("integrity-recorded.v1", "integrity-record-expired.v1");
        var listed = await ListAsync("includeExpired=true");
        var row = listed["items"]!.AsArray().Single(i => (Guid)i!["recordId"]! == recordId)!;
        row["expiredEventSeen"]!.GetValue<bool>().Should().BeTrue();
        row["expiredOn"]!.GetValue<string>().Should().Be("2029-06-15");
        row["active"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_revoked_title_appears_on_the_blacklist_with_the_applicants_masked_identity_and_the_check_by_resident_id_finds_it()
    {
        // Given an applicant whose title was revoked for false materials on 2026-11-20 (the scenario ends on 2027-06-20)
        await RunAsync(factory);
        await factory.Services.GetRequiredService<ProjectionHost>().CatchUpAsync(CancellationToken.None);

        // When the bureau lists the blacklist and checks the applicant by resident ID
        var listed = await ListAsync(string.Empty);
        var check = await CheckAsync($"residentId={Requests.ValidResidentId}", null);

        // Then the record shows the applicant by name, person key and masked ID — never the plain ID — and blocks filing
        var row = listed["items"]!.AsArray().Single()!;
        row["subjectKind"]!.GetValue<string>().Should().Be("applicant");
        row["subjectName"]!.GetValue<string>().Should().Be("张三");
        row["residentIdMasked"]!.GetValue<string>().Should().Be("110105********002X");
        row["sanction"]!.GetValue<string>().Should().Be("TitleRevoked");
        row["decisionReference"]!.GetValue<string>().Should().Be("呼人社决〔2026〕12号");
        row["recordedOn"]!.GetValue<string>().Should().Be("2026-11-20");
        row["expiresOn"]!.GetValue<string>().Should().Be("2029-11-20");
        row["applicationId"].Should().NotBeNull();
        listed.ToJsonString().Should().NotContain(Requests.ValidResidentId);
        check["hasActiveRecord"]!.GetValue<bool>().Should().BeTrue();
        check["blocksFiling"]!.GetValue<bool>().Should().BeTrue();
        check["records"]!.AsArray().Single()!["recordId"]!.GetValue<Guid>().Should().Be(row["recordId"]!.GetValue<Guid>());
        check.ToJsonString().Should().NotContain(Requests.ValidResidentId);
    }

    [Fact]
    public async Task A_manual_expert_record_is_listed_and_checkable_by_person_key_and_a_unit_record_by_organisation_code()
    {
        // Given a bureau record about an expert and one about an employer
        var expert = await RecordAsync(Expert(recordedOn: "2026-06-01"));
        var unit = await RecordAsync(Unit(recordedOn: "2026-06-10"));

        // When the blacklist is listed and each subject is checked
        var listed = await ListAsync($"after={(long)unit["position"]!}");
        var byKey = await CheckAsync($"personKey={expert["subjectKey"]!.GetValue<string>()}", null);
        var byCode = await CheckAsync($"organisationCode={EmployerCode}", null);
        var otherUnit = await CheckAsync("organisationCode=91150100MA0N999999", null);

        // Then both are listed, the expert by key (not by ID), and each check finds its own record only
        listed["items"]!.AsArray().Select(i => i!["subjectKind"]!.GetValue<string>()).Should().Equal("expert", "employer");
        expert["subjectKey"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{32}$");
        listed.ToJsonString().Should().NotContain(ExpertResidentId);
        byKey["records"]!.AsArray().Single()!["recordId"]!.GetValue<Guid>().Should().Be((Guid)expert["recordId"]!);
        byKey["blocksFiling"]!.GetValue<bool>().Should().BeFalse();
        byCode["records"]!.AsArray().Single()!["recordId"]!.GetValue<Guid>().Should().Be((Guid)unit["recordId"]!);
        otherUnit["hasActiveRecord"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_manual_record_that_cancels_promotion_eligibility_stops_the_person_filing()
    {
        // Given the bureau records that the applicant's promotion eligibility is cancelled
        await RecordAsync(new
        {
            subjectKind = "applicant", residentId = Requests.ValidResidentId, subjectName = "张三", misconduct = "伪造业绩材料",
            sanction = "PromotionEligibilityCancelled", decisionReference = "呼人社决〔2026〕40号",
        });

        // When the person files
        var filed = await factory.CaseClient().PostAsync("/api/v1/applications", Requests.Submission());

        // Then rule 13 refuses the filing until the record ends
        filed.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await CaseClient.BodyAsync(filed);
        problem["type"]!.GetValue<string>().Should().Be("/problems/integrity-record-blocks-filing");
        problem["detailEn"]!.GetValue<string>().Should().Contain("2029-06-15");
    }

    [Fact]
    public async Task Expired_records_are_listed_only_when_asked_for()
    {
        // Given a record of 2020-01-10, whose three years ended on 2023-01-10, and an active one
        var old = await RecordAsync(Unit(recordedOn: "2020-01-10"));
        var current = await RecordAsync(Expert(recordedOn: "2026-06-15"));
        var after = $"after={(long)current["position"]!}";

        // When the blacklist is listed with and without includeExpired
        var active = await ListAsync(after);
        var all = await ListAsync($"{after}&includeExpired=true");

        // Then only the active one by default, both when asked, the old one marked inactive
        active["items"]!.AsArray().Select(i => i!["recordId"]!.GetValue<Guid>()).Should().Equal((Guid)current["recordId"]!);
        all["items"]!.AsArray().Select(i => i!["recordId"]!.GetValue<Guid>()).Should().Equal((Guid)old["recordId"]!, (Guid)current["recordId"]!);
        all["items"]![0]!["active"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task The_list_pages_with_a_cursor()
    {
        // Given three active records
        await RecordAsync(Expert(recordedOn: "2026-06-01"));
        await RecordAsync(Unit(recordedOn: "2026-06-02"));
        var last = await RecordAsync(Expert(recordedOn: "2026-06-03"));

        // When they are read two at a time
        var first = await ListAsync($"limit=2&after={(long)last["position"]!}");
        var second = await ListAsync($"limit=2&cursor={first["nextCursor"]!.GetValue<string>()}");

        // Then the pages hold two and one, without overlap, and the last has no next cursor
        first["items"]!.AsArray().Should().HaveCount(2);
        second["items"]!.AsArray().Select(i => i!["recordId"]!.GetValue<Guid>()).Should().Equal((Guid)last["recordId"]!);
        second["nextCursor"].Should().BeNull();
    }

    [Fact]
    public async Task An_invalid_record_is_refused_with_every_field_error_and_nothing_is_written()
    {
        // Given a unit record without a decision reference that names a resident ID instead of an organisation code
        var body = new { subjectKind = "employer", residentId = ExpertResidentId, subjectName = "某单位", misconduct = "出具虚假证明", sanction = "Criticism" };

        // When it is posted, and a record dated tomorrow is posted
        var response = await bureau.PostAsync("/api/v1/integrity-records", body);
        var future = await bureau.PostAsync("/api/v1/integrity-records", Expert(recordedOn: "2026-06-16"));

        // Then both are 400 with the fields named, and the blacklist stays empty
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await CaseClient.BodyAsync(response))["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(["decisionReference", "organisationCode", "residentId"]);
        future.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await CaseClient.BodyAsync(future))["errors"]!["recordedOn"].Should().NotBeNull();
        await factory.Services.GetRequiredService<ProjectionHost>().CatchUpAsync(CancellationToken.None);
        (await ListAsync("includeExpired=true"))["items"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_check_needs_exactly_one_valid_subject() =>
        (await bureau.Http.GetAsync("/api/v1/integrity-records/check?residentId=110105194912310021&organisationCode=X")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_answers_the_first_record_again_and_another_body_under_it_is_refused()
    {
        // Given an expert recorded with an Idempotency-Key
        var first = await bureau.PostAsync("/api/v1/integrity-records", Expert(recordedOn: "2026-06-15"), idempotencyKey: "record-expert-1");
        first.StatusCode.Should().Be(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var recorded = await CaseClient.BodyAsync(first);

        // When the bureau retries the same request, then sends another record under the same key
        var retry = await bureau.PostAsync("/api/v1/integrity-records", Expert(recordedOn: "2026-06-15"), idempotencyKey: "record-expert-1");
        var other = await bureau.PostAsync("/api/v1/integrity-records", Unit(recordedOn: "2026-06-15"), idempotencyKey: "record-expert-1");

        // Then the retry answers the same 201 marked as replayed, the other body gets 422, and one record exists
        retry.StatusCode.Should().Be(HttpStatusCode.Created);
        retry.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        first.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        retry.Headers.Location.Should().Be(first.Headers.Location);
        (await CaseClient.BodyAsync(retry)).ToJsonString().Should().Be(recorded.ToJsonString());
        await other.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "/problems/idempotency-key-reused");
        var all = await ListAsync($"includeExpired=true&after={(long)recorded["position"]!}");
        all["items"]!.AsArray().Select(i => (Guid)i!["recordId"]!).Should().Equal((Guid)recorded["recordId"]!);
    }

    private static object Expert(string recordedOn) => new
    {
        subjectKind = "expert", residentId = ExpertResidentId, subjectName = "李评", misconduct = "评审中收受申报人财物", sanction = "Other",
        decisionReference = "呼人社决〔2026〕31号", recordedOn,
    };

    private static object Unit(string recordedOn) => new
    {
        subjectKind = "employer", organisationCode = EmployerCode, subjectName = "呼和浩特市某设计院", misconduct = "为申报人出具虚假业绩证明", sanction = "Criticism",
        decisionReference = "呼人社决〔2026〕32号", recordedOn,
    };

    private async Task<JsonObject> RecordAsync(object body)
    {
        var response = await bureau.PostAsync("/api/v1/integrity-records", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var result = await CaseClient.BodyAsync(response);
        response.Headers.Location!.ToString().Should().Be($"/api/v1/integrity-records/{(Guid)result["recordId"]!}");
        return result;
    }

    private async Task<JsonObject> ListAsync(string query)
    {
        var response = await bureau.Http.GetAsync($"/api/v1/integrity-records?{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<JsonObject> CheckAsync(string query, JsonObject? after)
    {
        var wait = after is null ? string.Empty : $"&after={(long)after["position"]!}";
        var response = await bureau.Http.GetAsync($"/api/v1/integrity-records/check?{query}{wait}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}

[RequiresPostgres]
public sealed class PostgresIntegrityRecordsTests
{
    [EngineFact]
    public async Task The_blacklist_works_on_PostgreSQL()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        try
        {
            await using var factory = new CasesFactory(database);

            // Given a title revoked through the lifecycle and a manual employer record of 2020 (expired in 2023)
            await RunAsync(factory);
            var bureau = factory.CaseClient("bureau");
            var unit = await Ok(bureau.PostAsync("/api/v1/integrity-records", new
            {
                subjectKind = "employer", organisationCode = "91150100MA0N000000", subjectName = "呼和浩特市某设计院", misconduct = "为申报人出具虚假业绩证明",
                sanction = "Criticism", decisionReference = "呼人社决〔2020〕5号", recordedOn = "2020-01-10",
            }));
            var host = factory.Services.GetRequiredService<ProjectionHost>();
            await host.CatchUpAsync(CancellationToken.None);

            // When the expiry job sweeps twice and the blacklist is read
            var expired = await factory.Services.GetRequiredService<IntegrityExpiryJob>().SweepAsync(CancellationToken.None);
            var again = await factory.Services.GetRequiredService<IntegrityExpiryJob>().SweepAsync(CancellationToken.None);
            await host.CatchUpAsync(CancellationToken.None);
            var active = (await bureau.Http.GetFromJsonAsync<JsonObject>("/api/v1/integrity-records"))!;
            var all = (await bureau.Http.GetFromJsonAsync<JsonObject>("/api/v1/integrity-records?includeExpired=true"))!;
            var check = (await bureau.Http.GetFromJsonAsync<JsonObject>($"/api/v1/integrity-records/check?residentId={Requests.ValidResidentId}"))!;

            // Then the old record was expired once, only the revocation is active, and the check finds it with the masked ID
            (expired + again).Should().Be(1);
            active["items"]!.AsArray().Single()!["residentIdMasked"]!.GetValue<string>().Should().Be("110105********002X");
            all["items"]!.AsArray().Single(i => (Guid)i!["recordId"]! == (Guid)unit["recordId"]!)!["expiredOn"]!.GetValue<string>().Should().Be("2023-01-10");
            check["blocksFiling"]!.GetValue<bool>().Should().BeTrue();
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }
}
