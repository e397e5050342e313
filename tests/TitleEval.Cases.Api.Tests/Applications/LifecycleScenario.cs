using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace TitleEval.Cases.Api.Tests.Applications;

/// <summary>One application from submission to certificate and then revocation, through HTTP only — run on each engine.</summary>
public static class LifecycleScenario
{
    /// <summary>Runs the lifecycle for the applicant of <paramref name="submission"/> (default <see cref="Requests.Submission"/>), whose resident ID is <paramref name="residentId"/>.</summary>
    public static async Task<Guid> RunAsync(CasesFactory factory, object? submission = null, string residentId = Requests.ValidResidentId)
    {
        submission ??= Requests.Submission();
        var client = factory.CaseClient();
        var clock = factory.Clock;
        clock.SetToday(new DateOnly(2026, 6, 15));

        // Given an applicant filing inside the deputy-senior window of Hohhot 2026 [002 三(二)3]
        var submitted = await client.PostAsync("/api/v1/applications", submission);
        submitted.StatusCode.Should().Be(HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());
        submitted.Headers.ETag!.Tag.Should().Be("\"0\"");
        var id = (Guid)(await CaseClient.BodyAsync(submitted))["applicationId"]!;
        submitted.Headers.Location!.ToString().Should().Be($"/api/v1/applications/{id}");

        // The employer posts the application in the unit for 5 working days, then recommends it.
        await PublicityAsync(factory, client, id, "Employer", new DateOnly(2026, 6, 15));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Employer", reviewer = "李四", opinion = "情况属实，同意推荐" }, as_: "employer"));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Department", reviewer = "王五", opinion = "同意" }, as_: "department"));

        // The bureau posts the roster, then passes the case on; the committee office's check accepts it.
        await PublicityAsync(factory, client, id, "Roster", clock.Today());
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Bureau", reviewer = "赵六", opinion = "同意上报" }, as_: "bureau"));
        var accepted = await Ok(client.CommandAsync(id, "reviews", new { stage = "CommitteeOffice", reviewer = "钱七", opinion = "符合申报条件" }, as_: "committee-office"));
        accepted["status"]!.GetValue<string>().Should().Be("Accepted");

        // The committee votes: 12 of 15 present, 9 yes — at least two thirds, so the handler computes a pass.
        clock.SetToday(new DateOnly(2026, 9, 1));
        var voted = await Ok(client.CommandAsync(id, "vote", new { meetingDate = "2026-09-01", members = 15, present = 12, recused = 0, yes = 9, no = 2, abstain = 1, blind = true }, as_: "committee-office"));
        voted["status"]!.GetValue<string>().Should().Be("ReviewPassed");

        // Result publicity, approval, certificate.
        await PublicityAsync(factory, client, id, "Result", new DateOnly(2026, 9, 2));
        var approved = await Ok(client.CommandAsync(id, "approval", new { authority = "呼和浩特市人力资源和社会保障局" }, as_: "bureau"));
        approved["status"]!.GetValue<string>().Should().Be("Approved");
        var certified = await Ok(client.CommandAsync(id, "certificate", as_: "bureau"));
        certified["status"]!.GetValue<string>().Should().Be("CertificateIssued");

        var view = await client.GetAsync(id);
        view["certificateNumber"]!.GetValue<string>().Should().StartWith("ZC2026-");
        view["residentIdMasked"]!.GetValue<string>().Should().Be(Domain.ResidentId.Mask(residentId));

        // Later the title turns out to rest on false materials: revoked, with a three-year integrity record.
        clock.SetToday(new DateOnly(2026, 11, 20));
        var revoked = await Ok(client.CommandAsync(id, "revocation", new { grounds = "FalseMaterials", decisionNumber = "呼人社决〔2026〕12号", authority = "呼和浩特市人力资源和社会保障局" }, as_: "bureau"));
        revoked["status"]!.GetValue<string>().Should().Be("RevokedForFraud");

        // The record blocks the same person filing again, and says until when.
        clock.SetToday(new DateOnly(2026, 6, 20).AddYears(1));
        var again = await client.PostAsync("/api/v1/applications", submission);
        again.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await CaseClient.BodyAsync(again);
        problem["type"]!.GetValue<string>().Should().Be("/problems/integrity-record-blocks-filing");
        problem["detailEn"]!.GetValue<string>().Should().Contain("2029-11-20");
        return id;
    }

    public static DateOnly Today(this Testing.TestClock clock) => DateOnly.FromDateTime(clock.Now.ToOffset(TimeSpan.FromHours(8)).DateTime);

    /// <summary>Opens a 5-working-day publicity, moves the clock past its end (computed by the service from the calendar) and closes it.</summary>
    public static async Task PublicityAsync(CasesFactory factory, CaseClient client, Guid id, string stage, DateOnly start)
    {
        await Ok(client.CommandAsync(id, "publicities", new { stage, start = start.ToString("yyyy-MM-dd"), workingDays = 5, postedAt = "公示栏及网站" }, as_: "committee-office"));
        var view = await client.GetAsync(id);
        var end = DateOnly.Parse(view["publicities"]!.AsArray().Single(p => p!["stage"]!.GetValue<string>() == stage)!["end"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        factory.Clock.SetToday(end.AddDays(1));
        await Ok(client.CommandAsync(id, $"publicities/{stage}/close", as_: "committee-office"));
    }

    public static async Task<JsonObject> Ok(Task<HttpResponseMessage> send)
    {
        var response = await send;
        response.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.Created], await response.Content.ReadAsStringAsync());
        return await CaseClient.BodyAsync(response);
    }
}
