using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Tests.Applications;

namespace TitleEval.Cases.Api.Tests.ReadModels;

/// <summary>Queries kept running while a read model is rebuilt and switched in, for the tests of reads that must follow the active generation.</summary>
internal static class GenerationSwitches
{
    /// <summary>
    /// Runs <paramref name="read"/> on two tasks without pause while <paramref name="projection"/> is rebuilt into
    /// generations 2, 3 and 4, each switched in (so the first two generations' tables are dropped); after each switch
    /// calls <paramref name="afterSwitch"/> with its number from 0. Answers every result read meanwhile.
    /// </summary>
    public static async Task<IReadOnlyCollection<T>> ReadWhileSwitchingAsync<T>(CasesFactory factory, IProjection projection, Func<Task<T>> read, Func<int, Task> afterSwitch)
    {
        var host = factory.Services.GetRequiredService<ProjectionHost>();
        var generations = factory.Services.GetRequiredService<ProjectionGenerations>();
        using var stop = new CancellationTokenSource();
        var answers = new ConcurrentBag<T>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                answers.Add(await read());
            }
        })).ToArray();
        for (var rebuild = 0; rebuild < 3; rebuild++)
        {
            await generations.StartRebuildAsync(projection, CancellationToken.None);
            while ((await generations.ReadAsync(projection.Name, CancellationToken.None))!.Building is not null)
            {
                await host.CatchUpAsync(CancellationToken.None);
            }

            await afterSwitch(rebuild);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        return answers;
    }
}
