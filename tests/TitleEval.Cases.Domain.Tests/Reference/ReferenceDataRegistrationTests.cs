using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        using var provider = new ServiceCollection().AddReferenceData(Config(null)).BuildServiceProvider();

        var data = provider.GetRequiredService<ReferenceData>();
        data.Plans.Should().NotBeEmpty();
        provider.GetRequiredService<WorkingDayCalendar>().Should().BeSameAs(data.Calendar);
        provider.GetRequiredService<SeriesCatalogue>().Should().BeSameAs(data.Series);
    }

    [Fact]
    public void A_broken_file_stops_registration_with_its_file_and_line()
    {
        using var folder = new TempReferenceData().Write("calendar/2027.json", "{\n  \"holidays\": {},\n  \"workdays\": {\n    \"2027-10-11\": \"x\"\n  }\n}\n");

        var act = () => new ServiceCollection().AddReferenceData(Config(folder.Folder));

        act.Should().Throw<ReferenceDataException>().WithMessage("reference-data/calendar/2027.json line 4: *");
    }
}
