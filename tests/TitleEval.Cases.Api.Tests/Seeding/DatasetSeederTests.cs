using FluentAssertions;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Applications.DeadlineJob;
using TitleEval.Cases.Api.Seeding;
using TitleEval.Cases.Api.Tests.Applications;
using TitleEval.Cases.Domain.Reference;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Tests.Seeding;

public sealed class DatasetSeederTests : IAsyncLifetime
{
    private readonly CasesFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Seeding_goes_through_the_real_command_path_and_ends_every_case_in_an_outcome()
    {
        factory.CreateClient().Dispose();
        var services = factory.Services;
        var seeder = new DatasetSeeder(services.GetRequiredService<IMediator>(), services.GetRequiredService<ReferenceData>(), services.GetRequiredService<CorrectionDeadlineJob>(), factory.Clock.SetToday);

        var report = await seeder.SeedAsync(120, seed: 7, CancellationToken.None);

        report.Outcomes.Values.Sum().Should().Be(120, "every case ends in exactly one outcome: {0}", string.Join(", ", report.Outcomes));
        report.Outcomes.Should().ContainKeys("CertificateIssued", "NotPassed", "Withdrawn", "DeemedWithdrawn");
        var events = await services.GetRequiredService<IEventStore>().ReadAllAsync(0, 100_000);
        events.Select(e => e.Type).Should().Contain(["application-submitted.v1", "returned-for-correction.v1", "resubmitted.v1", "reviewed.v1", "certificate-issued.v1"]);
        events.Where(e => e.Type == "application-submitted.v1").Should().HaveCount(120);
    }
}
