using System.Globalization;
using MediatR;
using TitleEval.Cases.Api.Applications.DeadlineJob;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain.Reference;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Seeding;

/// <summary><c>seed [--applications N] [--seed S]</c>: fills the configured store with a realistic dataset, then catches the read models up.</summary>
public static class SeedingCommand
{
    /// <summary>In the seeding process only, business time is the seeder's clock: it moves from step to step of each case.</summary>
    public static WebApplicationBuilder AddSeedingClock(this WebApplicationBuilder builder, string[] args)
    {
        if (args is ["seed", ..])
        {
            var clock = new SeedClock();
            builder.Services.AddSingleton(clock);
            builder.Services.AddSingleton<TimeProvider>(clock);
        }

        return builder;
    }

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        if (!int.TryParse(Option("--applications", "1000"), NumberStyles.None, CultureInfo.InvariantCulture, out var applications) || applications < 1
            || !int.TryParse(Option("--seed", "20261122"), NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            await Console.Error.WriteLineAsync("usage: seed [--applications N (1 or more, default 1000)] [--seed S (default 20261122)]");
            return 2;
        }

        var services = app.Services;
        await services.GetRequiredService<IEventStore>().InitializeAsync();
        var clock = services.GetRequiredService<SeedClock>();
        var seeder = new DatasetSeeder(services.GetRequiredService<IMediator>(), services.GetRequiredService<ReferenceData>(), services.GetRequiredService<CorrectionDeadlineJob>(), clock.SetToday);
        var report = await seeder.SeedAsync(applications, seed, CancellationToken.None);
        await services.GetRequiredService<ProjectionHost>().CatchUpAsync(CancellationToken.None);

        Console.WriteLine($"seeded {report.Applications} applications in {report.Elapsed.TotalSeconds:F1} s; head position {await services.GetRequiredService<IEventStore>().ReadHeadPositionAsync()}");
        foreach (var (outcome, count) in report.Outcomes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {outcome,-20} {count,6}");
        }

        foreach (var (refusal, count) in report.Refusals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  refused {refusal,-40} {count,6}");
        }

        return 0;
    }
}
