using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Tests.Applications;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.ReadModels;

/// <summary>Cases of different people, employers and outcomes for the roster, certificate and statistics tests, driven over HTTP.</summary>
public static class ReadModelCases
{
    /// <summary>A valid resident ID of the same birth date as <see cref="Requests.ValidResidentId"/>, with sequence number <paramref name="sequence"/>.</summary>
    public static string ResidentId(int sequence)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var body = $"11010519491231{sequence:000}";
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    /// <summary>Files a case for another person at another employer; answers its id.</summary>
    public static async Task<Guid> SubmitAsync(CaseClient client, int person, string name, string employer, string affiliation)
    {
        var body = JsonSerializer.SerializeToNode(Requests.Submission(residentId: ResidentId(person)), CaseClient.Json)!.AsObject();
        body["applicant"]!["name"] = name;
        body["employer"] = new JsonObject { ["code"] = $"91150100MA0N{person:000000}", ["name"] = employer, ["affiliation"] = affiliation, ["region"] = "呼和浩特市", ["department"] = "11150100MB1234567X" };
        return (Guid)(await Ok(client.PostAsync("/api/v1/applications", body)))["applicationId"]!;
    }

    /// <summary>Drives a submitted case through the review chain and the committee's vote, from 2026-06-15 on.</summary>
    public static async Task VoteAsync(CasesFactory factory, CaseClient client, Guid id, bool pass)
    {
        factory.Clock.SetToday(new DateOnly(2026, 6, 15));
        await PublicityAsync(factory, client, id, "Employer", new DateOnly(2026, 6, 15));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Employer", reviewer = "李四", opinion = "同意推荐" }, as_: "employer"));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Department", reviewer = "王五", opinion = "同意" }, as_: "department"));
        await PublicityAsync(factory, client, id, "Roster", factory.Clock.Today());
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Bureau", reviewer = "赵六", opinion = "同意上报" }, as_: "bureau"));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "CommitteeOffice", reviewer = "钱七", opinion = "符合申报条件" }, as_: "committee-office"));
        factory.Clock.SetToday(new DateOnly(2026, 9, 1));
        await Ok(client.CommandAsync(id, "vote", new { meetingDate = "2026-09-01", members = 15, present = 12, recused = 0, yes = pass ? 9 : 3, no = pass ? 2 : 8, abstain = 1, blind = true }, as_: "committee-office"));
    }

    /// <summary>Drives a submitted case to its certificate; answers the certificate number.</summary>
    public static async Task<string> CertifyAsync(CasesFactory factory, CaseClient client, Guid id)
    {
        await VoteAsync(factory, client, id, pass: true);
        await PublicityAsync(factory, client, id, "Result", new DateOnly(2026, 9, 2));
        await Ok(client.CommandAsync(id, "approval", new { authority = "呼和浩特市人力资源和社会保障局" }, as_: "bureau"));
        await Ok(client.CommandAsync(id, "certificate", as_: "bureau"));
        return (await client.GetAsync(id))["certificateNumber"]!.GetValue<string>();
    }

    public static Task CatchUpAsync(CasesFactory factory) => factory.Services.GetRequiredService<ProjectionHost>().CatchUpAsync(CancellationToken.None);
}
