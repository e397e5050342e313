using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace TitleEval.Cases.Api.Tests.Applications;

public sealed class PlansTests : IAsyncLifetime
{
    private readonly CasesFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task The_shipped_plans_are_listed_with_their_windows_and_quotas()
    {
        var plans = (await factory.CreateClient().GetFromJsonAsync<JsonArray>("/api/v1/plans"))!;

        var hohhot = plans.Single(p => p!["id"]!.GetValue<string>() == "2026-hohhot")!;
        hohhot["windows"]!.AsArray().Should().Contain(w => w!["level"]!.GetValue<string>() == "DeputySenior" && w["opens"]!.GetValue<string>() == "2026-06-11" && w["closes"]!.GetValue<string>() == "2026-07-10");
        hohhot["quotas"]!.AsArray().Should().ContainSingle(q => q!["places"]!.GetValue<int>() == 35);
        plans.Select(p => p!["id"]!.GetValue<string>()).Should().Contain(["2022-inner-mongolia", "2024-tongliao", "2022-hohhot", "2023-green-channel-1", "2023-green-channel-2"]);
    }
}
