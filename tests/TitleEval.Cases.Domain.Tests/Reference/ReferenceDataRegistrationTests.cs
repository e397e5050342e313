using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TitleEval.Cases.Api.Reference;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Domain.Tests.Reference;

public sealed class ReferenceDataRegistrationTests
{
    private static IConfiguration Config(string? folder) => new ConfigurationBuilder()
        .AddInMemoryCollection(folder is null ? [] : [new KeyValuePair<string, string?>("ReferenceData:Folder", folder)])
        .Build();

    [Fact]
    public void By_default_the_folder_beside_the_assembly_is_loaded_and_registered()
    {
        using var provider = Services(null).BuildServiceProvider();

        var data = provider.GetRequiredService<ReferenceData>();
        data.Plans.Should().NotBeEmpty();
        provider.GetRequiredService<WorkingDayCalendar>().Should().BeSameAs(data.Calendar);
        provider.GetRequiredService<SeriesCatalogue>().Should().BeSameAs(data.Series);
    }

    [Fact]
    public async Task A_broken_file_stops_the_host_at_start_with_its_file_and_line()
    {
        using var folder = new TempReferenceData().Write("calendar/2027.json", "{\n  \"holidays\": {},\n  \"workdays\": {\n    \"2027-10-11\": \"x\"\n  }\n}\n");
        using var provider = Services(folder.Folder).BuildServiceProvider();

        var start = () => Task.WhenAll(provider.GetServices<IHostedService>().Select(s => s.StartAsync(CancellationToken.None)));

        await start.Should().ThrowAsync<ReferenceDataException>().WithMessage("reference-data/calendar/2027.json line 4: *");
    }

    [Fact]
    public void The_folder_comes_from_the_final_configuration()
    {
        using var folder = new TempReferenceData().Write("plans/extra.json", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference-data", "plans", "2026-hohhot.json")).Replace("\"2026-hohhot\"", "\"2026-extra\"", StringComparison.Ordinal));
        using var provider = Services(folder.Folder).BuildServiceProvider();

        provider.GetRequiredService<ReferenceData>().FindPlan("2026-extra").Should().NotBeNull();
    }

    private static IServiceCollection Services(string? folder) =>
        new ServiceCollection().AddSingleton(Config(folder)).AddReferenceData();
}
