using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.Applications;

/// <summary>Rule 14 (quotas) and fraud found by an objection, over HTTP, with an operator plan that has one place.</summary>
public sealed class QuotaAndFraudTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "titleeval-reference-tests", Guid.NewGuid().ToString("N"));
    private CasesFactory factory = null!;
    private CaseClient client = null!;

    public Task InitializeAsync()
    {
        // The shipped reference data plus a plan whose deputy-senior engineering quota is one place.
        CopyFolder(Path.Combine(AppContext.BaseDirectory, "reference-data"), folder);
        var hohhot = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "plans", "2026-hohhot.json")))!.AsObject();
        hohhot["id"] = "2026-one-place";
        hohhot["quotas"] = new JsonArray(new JsonObject { ["series"] = "Engineering", ["level"] = "DeputySenior", ["places"] = 1 });
        File.WriteAllText(Path.Combine(folder, "plans", "2026-one-place.json"), hohhot.ToJsonString());
        factory = new CasesFactory(referenceFolder: folder);
        client = factory.CaseClient("committee-office");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task An_approval_beyond_the_plans_quota_is_refused_and_writes_nothing()
    {
        var first = await ReadyForApprovalAsync(Requests.ValidResidentId);
        var second = await ReadyForApprovalAsync("110105194912310038");
        await Ok(client.CommandAsync(first, "approval", new { authority = "人社局" }));

        var refused = await client.CommandAsync(second, "approval", new { authority = "人社局" });

        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, await refused.Content.ReadAsStringAsync());
        (await CaseClient.BodyAsync(refused))["type"]!.GetValue<string>().Should().Be("/problems/quota-exhausted");
        (await client.GetAsync(second))["status"]!.GetValue<string>().Should().Be("ReviewPassed");
    }

    [Fact]
    public async Task Fraud_found_by_an_upheld_objection_disqualifies_the_case_and_blocks_the_person()
    {
        var id = await ReadyForApprovalAsync(Requests.ValidResidentId, holdResultPublicityOpen: true);
        var objection = Guid.NewGuid();
        await Ok(client.CommandAsync(id, "objections", new { objectionId = objection, topic = "MaterialAuthenticity", summary = "业绩证明系伪造" }));
        await Ok(client.CommandAsync(id, $"objections/{objection}/resolution", new { outcome = "Upheld", findings = "经核查，业绩证明系伪造" }));

        var approval = await client.CommandAsync(id, "approval", new { authority = "人社局" });
        var disqualified = await Ok(client.CommandAsync(id, "disqualification", new { reason = "业绩证明系伪造", fraud = true }));

        approval.StatusCode.Should().Be(HttpStatusCode.Conflict);
        disqualified["status"]!.GetValue<string>().Should().Be("Disqualified");
        factory.Clock.SetToday(new DateOnly(2027, 6, 20));
        var again = await client.PostAsync("/api/v1/applications", Requests.Submission());
        again.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await CaseClient.BodyAsync(again))["type"]!.GetValue<string>().Should().Be("/problems/integrity-record-blocks-filing");
    }

    private async Task<Guid> ReadyForApprovalAsync(string residentId, bool holdResultPublicityOpen = false)
    {
        factory.Clock.SetToday(new DateOnly(2026, 6, 15));
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Requests.Submission(residentId: residentId), CaseClient.Json))!.AsObject();
        body["planId"] = "2026-one-place";
        var id = (Guid)(await Ok(client.PostAsync("/api/v1/applications", body)))["applicationId"]!;
        await PublicityAsync(factory, client, id, "Employer", new DateOnly(2026, 6, 15));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Employer", reviewer = "李四", opinion = "同意" }));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Department", reviewer = "王五", opinion = "同意" }));
        await PublicityAsync(factory, client, id, "Roster", factory.Clock.Today());
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Bureau", reviewer = "赵六", opinion = "同意" }));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "CommitteeOffice", reviewer = "钱七", opinion = "同意" }));
        factory.Clock.SetToday(new DateOnly(2026, 9, 1));
        await Ok(client.CommandAsync(id, "vote", new { meetingDate = "2026-09-01", members = 15, present = 12, recused = 0, yes = 10, no = 2, abstain = 0, blind = true }));
        if (holdResultPublicityOpen)
        {
            await Ok(client.CommandAsync(id, "publicities", new { stage = "Result", start = "2026-09-02", workingDays = 5, postedAt = "网站" }));
            return id;
        }

        await PublicityAsync(factory, client, id, "Result", new DateOnly(2026, 9, 2));
        return id;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
