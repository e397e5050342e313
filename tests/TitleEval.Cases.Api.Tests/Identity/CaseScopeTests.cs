using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using TitleEval.Cases.Api.Identity;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.Api.Tests.Support;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;

namespace TitleEval.Cases.Api.Tests.Identity;

/// <summary>
/// Object-level authorization: a caller outside a case's scope gets 404 application-not-found — the same answer as for a
/// case that does not exist, with no data — on reads and on commands, and the case's search rows are hidden from them.
/// </summary>
public sealed class CaseScopeTests : IAsyncLifetime
{
    private readonly CasesFactory factory = new();
    private CaseClient client = null!;
    private Guid id;
    private long position;

    public async Task InitializeAsync()
    {
        client = factory.CaseClient(Roles.Applicant);
        var created = await Ok(client.PostAsync("/api/v1/applications", Requests.Submission()));
        id = created["applicationId"]!.GetValue<Guid>();
        position = created["position"]!.GetValue<long>();
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    /// <summary>Each scoped role, from another organisation, region, committee or person than the case's.</summary>
    public static TheoryData<string, string, string> Outsiders() => new()
    {
        { Roles.Applicant, ClaimNames.Subject, "another-person" },
        { Roles.Employer, ClaimNames.Organisation, "91150200MA0N999999" },
        { Roles.Department, ClaimNames.Organisation, "11150200MB7654321X" },
        { Roles.Bureau, ClaimNames.Region, "包头市" },
        { Roles.CommitteeOffice, ClaimNames.Committee, "baotou-engineering-senior" },
        { Roles.Expert, ClaimNames.Committee, "baotou-engineering-senior" },
    };

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task A_case_of_another_organisation_is_not_found_for_reads_and_no_data_leaks(string role, string claim, string value)
    {
        using var insider = factory.ClientAs(role);
        using var outsider = factory.ClientWith(new Dictionary<string, object>(TestTokens.Claims(role)) { [claim] = value });

        foreach (var path in ReadsOf(role))
        {
            var response = await outsider.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, $"{role} outside the scope reads {path}");
            body.Should().Contain("/problems/application-not-found").And.NotContain(Requests.Name).And.NotContain("hohhot");
            if (role != Roles.Expert)
            {
                (await insider.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.OK, $"{role} inside the scope reads {path}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task A_command_on_a_case_of_another_organisation_is_not_found_and_writes_nothing(string role, string claim, string value)
    {
        var (command, body) = CommandOf(role);
        if (command is null)
        {
            return;
        }

        using var outsider = factory.ClientWith(new Dictionary<string, object>(TestTokens.Claims(role)) { [claim] = value });
        var before = await client.GetAsync(id);

        var response = await outsider.PostAsJsonAsync($"/api/v1/applications/{id}/{command}", body, CaseClient.Json);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "/problems/application-not-found");
        (await client.GetAsync(id))["version"]!.GetValue<long>().Should().Be(before["version"]!.GetValue<long>());
    }

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task Search_shows_only_the_cases_in_the_callers_scope(string role, string claim, string value)
    {
        if (role == Roles.Expert)
        {
            return; // experts do not search (the matrix refuses them)
        }

        using var insider = factory.ClientAs(role);
        using var outsider = factory.ClientWith(new Dictionary<string, object>(TestTokens.Claims(role)) { [claim] = value });

        var mine = await insider.GetFromJsonAsync<JsonObject>($"/api/v1/applications?after={position}");
        var theirs = await outsider.GetFromJsonAsync<JsonObject>($"/api/v1/applications?after={position}");
        var byBody = await outsider.PostAsJsonAsync($"/api/v1/applications/search?after={position}", new { name = "张" });

        mine!["items"]!.AsArray().Select(i => i!["applicationId"]!.GetValue<Guid>()).Should().Equal(id);
        theirs!["items"]!.AsArray().Should().BeEmpty();
        (await byBody.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task An_expert_sees_a_case_of_their_committee_only_once_the_committee_accepted_it()
    {
        using var expert = factory.ClientAs(Roles.Expert);
        (await expert.GetAsync($"/api/v1/applications/{id}/review-view")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        await PublicityAsync(factory, client, id, "Employer", new DateOnly(2026, 6, 15));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Employer", reviewer = "李四", opinion = "同意推荐" }, as_: Roles.Employer));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Department", reviewer = "王五", opinion = "同意" }, as_: Roles.Department));
        await PublicityAsync(factory, client, id, "Roster", factory.Clock.Today());
        await Ok(client.CommandAsync(id, "reviews", new { stage = "Bureau", reviewer = "赵六", opinion = "同意上报" }, as_: Roles.Bureau));
        await Ok(client.CommandAsync(id, "reviews", new { stage = "CommitteeOffice", reviewer = "钱七", opinion = "符合申报条件" }, as_: Roles.CommitteeOffice));

        (await expert.GetAsync($"/api/v1/applications/{id}/review-view")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_bureau_of_the_whole_region_sees_every_case()
    {
        using var region = factory.ClientWith(new Dictionary<string, object>(TestTokens.Claims(Roles.Bureau)) { [ClaimNames.Region] = Caller.AllRegions });

        (await region.GetAsync($"/api/v1/applications/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_partner_without_the_scope_is_refused_403_and_with_it_reads_the_case()
    {
        var claims = TestTokens.Claims(Roles.Partner);
        claims[ClaimNames.Scope] = AccessMatrix.Scopes.CertificatesRead;
        using var narrow = factory.ClientWith(claims);
        using var wide = factory.ClientAs(Roles.Partner);

        await (await narrow.GetAsync($"/api/v1/applications/{id}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "/problems/forbidden");
        await (await narrow.GetAsync("/api/v1/rosters?planId=2026-hohhot")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "/problems/forbidden");
        (await wide.GetAsync($"/api/v1/applications/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_inspector_reads_every_case_and_writes_nothing()
    {
        using var inspector = factory.ClientAs(Roles.Inspector);

        (await inspector.GetAsync($"/api/v1/applications/{id}/history?after={position}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var write = await inspector.PostAsJsonAsync($"/api/v1/applications/{id}/returns", new { stage = "Employer", items = new[] { "x" }, deadline = "2026-06-30" }, CaseClient.Json);
        await write.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "/problems/forbidden");
    }

    [Fact]
    public async Task An_office_decides_only_at_its_own_stage_even_on_a_case_in_its_scope()
    {
        using var employer = factory.ClientAs(Roles.Employer);

        var response = await employer.PostAsJsonAsync($"/api/v1/applications/{id}/rejection", new { stage = "Bureau", reason = "不属于申报范围" }, CaseClient.Json);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "/problems/forbidden");
        (await client.GetAsync(id))["status"]!.GetValue<string>().Should().Be("InReview");
    }

    private IEnumerable<string> ReadsOf(string role) => role == Roles.Expert
        ? [$"/api/v1/applications/{id}/review-view"]
        : [$"/api/v1/applications/{id}", $"/api/v1/applications/{id}/history?after={position}", $"/api/v1/applications/{id}/progress?after={position}"];

    private static (string? Command, object Body) CommandOf(string role) => role switch
    {
        Roles.Applicant => ("withdrawal", new { reason = "个人原因" }),
        Roles.Employer => ("returns", new { stage = "Employer", items = new[] { "缺少继续教育证明" }, deadline = "2026-06-30" }),
        Roles.Department or Roles.Bureau or Roles.CommitteeOffice => ("rejection", new { stage = "Employer", reason = "不属于申报范围" }),
        _ => (null, new { }),
    };
}
