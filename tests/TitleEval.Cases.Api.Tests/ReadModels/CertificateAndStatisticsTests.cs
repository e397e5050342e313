using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using TitleEval.Cases.Api.Tests.Applications;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;
using static TitleEval.Cases.Api.Tests.ReadModels.ReadModelCases;

namespace TitleEval.Cases.Api.Tests.ReadModels;

public sealed class CertificateAndStatisticsTests : IAsyncLifetime
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
    public async Task A_certificate_verifies_valid_after_issue_and_revoked_with_its_date_after_revocation()
    {
        // Given a case certified
        var id = await SubmitAsync(client, 1, "张三丰", "呼和浩特市某设计院", "City");
        var number = await CertifyAsync(factory, client, id);
        var issuedOn = factory.Clock.Today().ToString("yyyy-MM-dd");
        await CatchUpAsync(factory);

        // Then the number verifies valid, with the holder's name masked
        var valid = await VerifyAsync(number);
        valid["status"]!.GetValue<string>().Should().Be("valid");
        valid["holderName"]!.GetValue<string>().Should().Be("张*丰");
        valid["series"]!.GetValue<string>().Should().Be("Engineering");
        valid["level"]!.GetValue<string>().Should().Be("DeputySenior");
        valid["issuedOn"]!.GetValue<string>().Should().Be(issuedOn);
        valid["revokedOn"].Should().BeNull();

        // When the title is revoked for fraud
        factory.Clock.SetToday(new DateOnly(2026, 11, 20));
        var revocation = await Ok(client.CommandAsync(id, "revocation", new { grounds = "FalseMaterials", decisionNumber = "呼人社决〔2026〕12号", authority = "呼和浩特市人力资源和社会保障局" }, as_: "bureau"));

        // Then it verifies revoked, with the date
        var revoked = await VerifyAsync(number, (long)revocation["position"]!);
        revoked["status"]!.GetValue<string>().Should().Be("revoked");
        revoked["revokedOn"]!.GetValue<string>().Should().Be("2026-11-20");
    }

    [Fact]
    public async Task An_unknown_certificate_number_answers_404_certificate_not_found()
    {
        var response = await client.Http.GetAsync("/api/v1/certificates/ZC2026-999999");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await CaseClient.BodyAsync(response))["type"]!.GetValue<string>().Should().Be("/problems/certificate-not-found");
    }

    [Fact]
    public async Task Statistics_count_cases_by_series_level_stage_and_outcome()
    {
        // Given five cases: one certified, one not passed, one withdrawn, one rejected and one still at the employer
        var certified = await SubmitAsync(client, 1, "甲", "单位一", "City");
        var failed = await SubmitAsync(client, 2, "乙", "单位二", "City");
        var withdrawn = await SubmitAsync(client, 3, "丙", "单位三", "County");
        var rejected = await SubmitAsync(client, 4, "丁", "单位四", "Township");
        await SubmitAsync(client, 5, "戊", "单位五", "Region");
        await Ok(client.CommandAsync(withdrawn, "withdrawal", new { reason = "个人原因" }, as_: "applicant"));
        await Ok(client.CommandAsync(rejected, "rejection", new { stage = "Employer", reason = "不属于申报范围" }, as_: "employer"));
        await CertifyAsync(factory, client, certified);
        await VoteAsync(factory, client, failed, pass: false);
        await CatchUpAsync(factory);

        // When the bureau asks for 2026 in Hohhot
        var response = await client.Http.GetAsync("/api/v1/statistics?planYear=2026&region=呼和浩特市");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var stats = await CaseClient.BodyAsync(response);

        // Then
        stats["total"]!.GetValue<int>().Should().Be(5);
        stats["bySeries"]!["Engineering"]!.GetValue<int>().Should().Be(5);
        stats["byLevel"]!["DeputySenior"]!.GetValue<int>().Should().Be(5);
        stats["byStage"]!["Employer"]!.GetValue<int>().Should().Be(1);
        stats["byStatus"]!["CertificateIssued"]!.GetValue<int>().Should().Be(1);
        var outcomes = stats["outcomes"]!;
        Counts(outcomes).Should().BeEquivalentTo(new Dictionary<string, int>
        {
            ["inProgress"] = 1, ["approved"] = 1, ["notPassed"] = 1, ["withdrawn"] = 1, ["rejected"] = 1, ["deemedWithdrawn"] = 0, ["disqualified"] = 0, ["revoked"] = 0,
        });

        // And another region or year counts nothing
        (await CaseClient.BodyAsync(await client.Http.GetAsync("/api/v1/statistics?planYear=2025")))["total"]!.GetValue<int>().Should().Be(0);
    }

    private static Dictionary<string, int> Counts(JsonNode node) => node.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());

    private async Task<JsonObject> VerifyAsync(string number, long? after = null)
    {
        var response = await client.Http.GetAsync($"/api/v1/certificates/{number}{(after is null ? string.Empty : $"?after={after}")}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await CaseClient.BodyAsync(response);
    }
}
