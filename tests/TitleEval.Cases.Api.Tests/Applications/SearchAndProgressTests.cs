using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using TitleEval.Cases.Api.Applications.Search;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;
using static TitleEval.Cases.Domain.Applications.ApplicationEvent;

namespace TitleEval.Cases.Api.Tests.Applications;

public sealed class SearchAndProgressTests : IAsyncLifetime
{
    private const string OtherResidentId = "110105194912310038";

    private readonly CasesFactory factory = new();
    private CaseClient client = null!;

    public Task InitializeAsync()
    {
        client = factory.CaseClient("employer");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    public static TheoryData<string, ApplicationEvent[]> Histories()
    {
        var on = new DateOnly(2026, 6, 15);
        var submitted = Submitted(on);
        StageReviewPassed Pass(ReviewStage stage) => new(stage, "审核人", "同意", on);
        var throughCommitteeOffice = new ApplicationEvent[]
        {
            submitted,
            new PublicityOpened(PublicityStage.Employer, on, on.AddDays(6), 5, "公示栏"),
            new PublicityClosed(PublicityStage.Employer, on.AddDays(7)),
            Pass(ReviewStage.Employer),
            Pass(ReviewStage.Department),
            new PublicityOpened(PublicityStage.Roster, on.AddDays(8), on.AddDays(14), 5, "网站"),
            new PublicityClosed(PublicityStage.Roster, on.AddDays(15)),
            Pass(ReviewStage.Bureau),
            Pass(ReviewStage.CommitteeOffice),
        };
        var passed = new Reviewed(new DateOnly(2026, 9, 1), 15, 12, 0, 9, 2, 1, true, true);
        var objection = Guid.NewGuid();
        return new()
        {
            {
                "full lifecycle to revocation",
                [.. throughCommitteeOffice, passed,
                    new PublicityOpened(PublicityStage.Result, on.AddDays(80), on.AddDays(86), 5, "网站"),
                    new ObjectionLodged(objection, PublicityStage.Result, ObjectionTopic.ReviewWork, "异议", on.AddDays(81)),
                    new ObjectionResolved(objection, ObjectionOutcome.Dismissed, "不成立", on.AddDays(83)),
                    new PublicityClosed(PublicityStage.Result, on.AddDays(87)),
                    new Approved("人社局", on.AddDays(88), false),
                    new CertificateIssued("ZC2026-1", "工程 建筑工程 副高级", "Engineering", Level.DeputySenior, on.AddDays(89)),
                    new RevokedForFraud(RevocationGrounds.FalseMaterials, "决定号", "人社局", Guid.NewGuid(), on.AddDays(150))]
            },
            { "returned at the department, resubmitted", [submitted, Pass(ReviewStage.Employer), new ReturnedForCorrection(ReviewStage.Department, ["缺证明"], on.AddDays(10), on), new Resubmitted("已补", on.AddDays(2))] },
            { "returned, deemed withdrawn", [submitted, new ReturnedForCorrection(ReviewStage.Employer, ["缺证明"], on.AddDays(10), on), new DeemedWithdrawn(on.AddDays(10), on.AddDays(11))] },
            { "returned at the committee office", [.. throughCommitteeOffice.SkipLast(1), new ReturnedForCorrection(ReviewStage.CommitteeOffice, ["缺证明"], on.AddDays(30), on.AddDays(16))] },
            { "withdrawn", [submitted, Pass(ReviewStage.Employer), new Withdrawn("个人原因", on.AddDays(1))] },
            { "rejected as ineligible", [submitted, Pass(ReviewStage.Employer), new RejectedIneligible(ReviewStage.Department, "不符合条件", on.AddDays(1))] },
            { "not passed", [.. throughCommitteeOffice, passed with { Yes = 5, No = 6, Passed = false }] },
            {
                "disqualified",
                [.. throughCommitteeOffice, new ObjectionLodged(objection, PublicityStage.Roster, ObjectionTopic.MaterialAuthenticity, "造假", on.AddDays(9)),
                    new ObjectionResolved(objection, ObjectionOutcome.Upheld, "属实", on.AddDays(20)), new Disqualified("材料造假", true, Guid.NewGuid(), on.AddDays(21))]
            },
        };
    }

    [Theory]
    [MemberData(nameof(Histories))]
    public void The_rows_status_and_stage_follow_the_deciders_fold_after_every_event(string history, ApplicationEvent[] events)
    {
        // Given the row's columns applied event by event, and the decider's fold of the same prefix
        var row = new Dictionary<string, object?>();
        for (var i = 0; i < events.Length; i++)
        {
            // When the next event arrives
            foreach (var (column, value) in CaseSearchProjection.Changes(events[i]))
            {
                row[column] = value;
            }

            // Then status and stage are the decider's
            var state = ApplicationDecider.Fold(events.Take(i + 1));
            ((string?)row["status"], (string?)row["stage"]).Should().Be((state.Status.ToString(), state.Stage.ToString()), $"{history}, after event {i} ({events[i].GetType().Name})");
        }
    }

    [Fact]
    public async Task A_resident_id_search_finds_exactly_that_persons_case_and_another_valid_id_finds_nothing()
    {
        var mine = await SubmitAsync(Requests.ValidResidentId, "张三");
        var other = await SubmitAsync(OtherResidentId, "李四");

        var found = await SearchAsync($"residentId={Requests.ValidResidentId}&after={other.Position}");
        var nobody = await SearchAsync("residentId=110105194912310011");

        Ids(found).Should().Equal(mine.Id);
        found["items"]![0]!["applicantName"]!.GetValue<string>().Should().Be("张三");
        found.ToJsonString().Should().NotContain(Requests.ValidResidentId).And.NotContain("personKey");
        Ids(nobody).Should().BeEmpty();
    }

    [Fact]
    public async Task Filters_by_name_series_level_committee_and_status_combine_with_and()
    {
        var zhang = await SubmitAsync(Requests.ValidResidentId, "张三");
        var zhao = await SubmitAsync(OtherResidentId, "赵六");
        var withdrawn = await Ok(client.CommandAsync(zhao.Id, "withdrawal", new { reason = "个人原因" }, as_: "applicant"));
        var after = $"&after={(long)withdrawn["position"]!}";

        Ids(await SearchAsync("name=张" + after)).Should().Equal(zhang.Id);
        Ids(await SearchAsync("name=赵六&status=Withdrawn" + after)).Should().Equal(zhao.Id);
        Ids(await SearchAsync("name=张&status=Withdrawn" + after)).Should().BeEmpty();
        Ids(await SearchAsync("status=InReview&stage=Employer" + after)).Should().Equal(zhang.Id);
        Ids(await SearchAsync("series=Engineering&level=DeputySenior&sort=name" + after)).Should().Equal(zhang.Id, zhao.Id);
        Ids(await SearchAsync("series=Education" + after)).Should().BeEmpty();
        Ids(await SearchAsync("level=FullSenior" + after)).Should().BeEmpty();
        Ids(await SearchAsync("committee=hohhot-engineering-senior&planYear=2026&employer=呼和浩特市" + after)).Should().HaveCount(2);
        Ids(await SearchAsync("planYear=2025" + after)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("name")]
    [InlineData("submittedOn")]
    [InlineData("-submittedOn")]
    public async Task Pages_of_two_walk_every_case_exactly_once_in_order_even_when_a_case_is_added_meanwhile(string sort)
    {
        // Given five cases filed on three days, in an order that is not the name order
        var names = new[] { "王五", "丁一", "孙七", "周八", "吴九" };
        var cases = new List<(Guid Id, string Name, DateOnly On)>();
        for (var i = 0; i < names.Length; i++)
        {
            var on = new DateOnly(2026, 6, 15).AddDays(i / 2);
            factory.Clock.SetToday(on);
            cases.Add(((await SubmitAsync(ResidentIdWith(i + 1), names[i])).Id, names[i], on));
        }

        var expected = (sort switch
        {
            "name" => cases.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id.ToString("D"), StringComparer.Ordinal),
            "submittedOn" => cases.OrderBy(c => c.On).ThenBy(c => c.Id.ToString("D"), StringComparer.Ordinal),
            _ => cases.OrderByDescending(c => c.On).ThenByDescending(c => c.Id.ToString("D"), StringComparer.Ordinal),
        }).Select(c => c.Id).ToList();
        await CatchUpAsync();

        // When walking with limit 2, with a case filed after the first page: its name sorts inside the first page, its day is the latest
        var first = await SearchAsync($"sort={sort}&limit=2");
        var seen = new List<Guid>(Ids(first));
        factory.Clock.SetToday(new DateOnly(2026, 6, 20));
        var added = await SubmitAsync(ResidentIdWith(10), "丁丁");
        await CatchUpAsync();
        var cursor = first["nextCursor"]?.GetValue<string>();
        var pages = 1;
        while (cursor is not null)
        {
            var page = await SearchAsync($"sort={sort}&limit=2&cursor={Uri.EscapeDataString(cursor)}");
            Ids(page).Should().HaveCountLessThanOrEqualTo(2);
            seen.AddRange(Ids(page));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }

        // Then every case comes once and in order; the added one only if it sorts after the cursor (the latest day, ascending)
        seen.Should().OnlyHaveUniqueItems();
        seen.Where(id => id != added.Id).Should().Equal(expected);
        if (sort == "submittedOn")
        {
            seen[^1].Should().Be(added.Id);
        }
        else
        {
            seen.Should().NotContain(added.Id);
        }

        pages.Should().Be(3);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("sort=age", "sort")]
    [InlineData("status=Lost", "status")]
    [InlineData("residentId=110105194912310012", "residentId")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task An_invalid_parameter_answers_400_naming_it(string query, string field)
    {
        var response = await client.Http.GetAsync($"/api/v1/applications?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await CaseClient.BodyAsync(response);
        problem["type"]!.GetValue<string>().Should().Be("/problems/validation-failed");
        problem["errors"]![field].Should().NotBeNull();
    }

    [Fact]
    public async Task Limits_of_1_and_200_are_accepted()
    {
        (await client.Http.GetAsync("/api/v1/applications?limit=1")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.Http.GetAsync("/api/v1/applications?limit=200")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Progress_after_submission_is_the_employers_first_review()
    {
        var submitted = await SubmitAsync(Requests.ValidResidentId, "张三");

        var progress = await ProgressAsync(submitted.Id, submitted.Position);

        progress["status"]!.GetValue<string>().Should().Be("InReview");
        progress["stage"]!.GetValue<string>().Should().Be("Employer");
        progress["statusLabel"]!["zh"]!.GetValue<string>().Should().Be("审核中");
        progress["pending"]!["with"]!.GetValue<string>().Should().Be("Employer");
        progress["pending"]!["label"]!["zh"]!.GetValue<string>().Should().Be("用人单位初审");
        progress["deadlines"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Progress_during_the_in_unit_publicity_shows_its_end_and_after_closing_no_longer()
    {
        var submitted = await SubmitAsync(Requests.ValidResidentId, "张三");
        var opened = await Ok(client.CommandAsync(submitted.Id, "publicities", new { stage = "Employer", start = "2026-06-15", workingDays = 5, postedAt = "单位公示栏" }));
        var end = (await client.GetAsync(submitted.Id))["publicities"]![0]!["end"]!.GetValue<string>();

        var during = await ProgressAsync(submitted.Id, (long)opened["position"]!);
        factory.Clock.SetToday(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture).AddDays(1));
        var closed = await Ok(client.CommandAsync(submitted.Id, "publicities/Employer/close"));
        var afterwards = await ProgressAsync(submitted.Id, (long)closed["position"]!);

        during["summary"]!["zh"]!.GetValue<string>().Should().Be($"单位内公示中，至 {end}");
        during["summary"]!["en"]!.GetValue<string>().Should().Be($"the in-unit publicity open until {end}");
        during["pending"]!["with"]!.GetValue<string>().Should().Be("Employer");
        var deadline = during["deadlines"]!.AsArray().Should().ContainSingle().Subject!;
        deadline["kind"]!.GetValue<string>().Should().Be("PublicityEnd");
        deadline["date"]!.GetValue<string>().Should().Be(end);
        afterwards["deadlines"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Progress_after_a_return_shows_the_correction_deadline_pending_with_the_applicant()
    {
        var submitted = await SubmitAsync(Requests.ValidResidentId, "张三");
        var returned = await Ok(client.CommandAsync(submitted.Id, "returns", new { stage = "Employer", items = new[] { "缺少继续教育证明" }, deadline = "2026-06-30" }));

        var progress = await ProgressAsync(submitted.Id, (long)returned["position"]!);

        progress["status"]!.GetValue<string>().Should().Be("Returned");
        progress["pending"]!["with"]!.GetValue<string>().Should().Be("Applicant");
        progress["pending"]!["label"]!["zh"]!.GetValue<string>().Should().Contain("2026-06-30");
        var deadline = progress["deadlines"]!.AsArray().Should().ContainSingle().Subject!;
        deadline["kind"]!.GetValue<string>().Should().Be("CorrectionDeadline");
        deadline["date"]!.GetValue<string>().Should().Be("2026-06-30");
    }

    [Fact]
    public async Task Progress_after_approval_is_pending_the_certificate_and_matches_the_case()
    {
        var submitted = await SubmitAsync(Requests.ValidResidentId, "张三");
        var id = submitted.Id;
        await PublicityAsync(factory, client, id, "Employer", new DateOnly(2026, 6, 15));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Employer", reviewer = "李四", opinion = "同意推荐" }));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Department", reviewer = "王五", opinion = "同意" }, as_: "department"));
        await PublicityAsync(factory, client, id, "Roster", factory.Clock.Today());
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Bureau", reviewer = "赵六", opinion = "同意上报" }, as_: "bureau"));
        var accepted = await Ok(client.CommandAsync(id, "reviews", new { stage = "CommitteeOffice", reviewer = "钱七", opinion = "符合" }, as_: "committee-office"));
        var waiting = await ProgressAsync(id, (long)accepted["position"]!);
        factory.Clock.SetToday(new DateOnly(2026, 9, 1));
        await Ok(client.CommandAsync(id, "vote", new { meetingDate = "2026-09-01", members = 15, present = 12, recused = 0, yes = 9, no = 2, abstain = 1, blind = true }, as_: "committee-office"));
        await PublicityAsync(factory, client, id, "Result", new DateOnly(2026, 9, 2));
        var approved = await Ok(client.CommandAsync(id, "approval", new { authority = "呼和浩特市人力资源和社会保障局" }, as_: "bureau"));

        var progress = await ProgressAsync(id, (long)approved["position"]!);
        var view = await client.GetAsync(id);

        waiting["pending"]!["with"]!.GetValue<string>().Should().Be("Committee");
        progress["status"]!.GetValue<string>().Should().Be("Approved");
        progress["stage"]!.GetValue<string>().Should().Be(view["stage"]!.GetValue<string>());
        progress["pending"]!["with"]!.GetValue<string>().Should().Be("Bureau");
        progress["pending"]!["label"]!["en"]!.GetValue<string>().Should().Be("issuing the title certificate");
        progress["deadlines"]!.AsArray().Should().BeEmpty();
        progress["version"]!.GetValue<long>().Should().Be((long)approved["version"]!);
        Ids(await SearchAsync($"status=Approved&after={(long)approved["position"]!}")).Should().Equal(id);
    }

    [Fact]
    public async Task A_query_with_after_sees_the_commands_effect_at_once()
    {
        var submitted = await SubmitAsync(Requests.ValidResidentId, "张三");
        var withdrawn = await Ok(client.CommandAsync(submitted.Id, "withdrawal", new { reason = "个人原因" }, as_: "applicant"));

        var progress = await ProgressAsync(submitted.Id, (long)withdrawn["position"]!);
        var search = await SearchAsync($"status=Withdrawn&after={(long)withdrawn["position"]!}");

        progress["status"]!.GetValue<string>().Should().Be("Withdrawn");
        progress["pending"].Should().BeNull();
        Ids(search).Should().Equal(submitted.Id);
    }

    [Fact]
    public async Task An_unknown_case_has_no_progress() =>
        (await client.Http.GetAsync($"/api/v1/applications/{Guid.NewGuid()}/progress")).StatusCode.Should().Be(HttpStatusCode.NotFound);

    private static Submitted Submitted(DateOnly on) => new(
        Guid.NewGuid(), "key", new Applicant("张三", Requests.ValidResidentId, Gender.Male, "汉族", new DateOnly(1980, 1, 1), "13800000000", "大学本科", "内蒙古大学",
            new DateOnly(2002, 7, 1), "土木工程", "工程师", new DateOnly(2015, 1, 1), "结构设计", EmploymentStatus.Employed),
        "Engineering", "建筑工程", Level.DeputySenior, Channel.Review, "hohhot-engineering-senior", "2026-hohhot", 2026, new DateOnly(2026, 7, 31),
        new Employer("91150100MA0N000000", "呼和浩特市某设计院", AffiliationLevel.City, "呼和浩特市", "11150100MB1234567X"), [3], ContinuingEducation.Completed, ["学历证书"], true, null, null, on);

    /// <summary>A valid resident ID (GB 11643 check character) that differs from the others by its sequence number.</summary>
    private static string ResidentIdWith(int sequence)
    {
        var body = $"11010519491231{sequence:D3}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        var id = body + "10X98765432"[sum % 11];
        ResidentId.IsValid(id).Should().BeTrue();
        return id;
    }

    private async Task<(Guid Id, long Position)> SubmitAsync(string residentId, string name)
    {
        var body = JsonSerializer.SerializeToNode(Requests.Submission(residentId: residentId), CaseClient.Json)!.AsObject();
        body["applicant"]!["name"] = name;
        var submitted = await Ok(client.PostAsync("/api/v1/applications", body));
        return ((Guid)submitted["applicationId"]!, (long)submitted["position"]!);
    }

    private Task CatchUpAsync() =>
        ((TitleEval.Cases.Api.Projections.ProjectionHost)factory.Services.GetService(typeof(TitleEval.Cases.Api.Projections.ProjectionHost))!).CatchUpAsync(CancellationToken.None);

    private static List<Guid> Ids(JsonObject page) => page["items"]!.AsArray().Select(i => Guid.Parse(i!["applicationId"]!.GetValue<string>())).ToList();

    private async Task<JsonObject> SearchAsync(string query)
    {
        var response = await client.Http.GetAsync($"/api/v1/applications?{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<JsonObject> ProgressAsync(Guid id, long after)
    {
        var response = await client.Http.GetAsync($"/api/v1/applications/{id}/progress?after={after}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
