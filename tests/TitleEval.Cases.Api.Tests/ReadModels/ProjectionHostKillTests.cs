using System.Diagnostics;
using System.Globalization;
using System.Text;
using FluentAssertions;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.Api.Tests.ReadModels;

/// <summary>
/// The real API process (the built TitleEval.Cases.Api.dll), killed with SIGKILL three times while its projection host
/// catches the read models up, one event per batch: no finally block, no rollback by the process, only the database's
/// own recovery. Afterwards every read model must hold each event exactly once, which the test checks twice: the case
/// history against the log, row by row, and every table of every read model against a clean rebuild of it.
/// </summary>
public abstract class ProjectionHostKillTests
{
    private const int Applications = 30;
    private const int Kills = 3;

    /// <summary>Settings the API processes get (as environment variables) and a store on the same database for the test's own reads.</summary>
    protected abstract Task<(IReadOnlyDictionary<string, string> Settings, IEventStore Store, Func<Task> Cleanup)> CreateAsync();

    [EngineFact]
    public async Task Killing_the_host_between_read_model_writes_and_checkpoints_leaves_every_event_applied_exactly_once()
    {
        var (settings, store, cleanup) = await CreateAsync();
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        try
        {
            // Given a seeded log whose read models are thrown away, so the host must build them all from position zero
            (await RunToExitAsync(settings, "seed", "--applications", Applications.ToString(CultureInfo.InvariantCulture))).Should().Be(0);
            var projections = await ResetReadModelsAsync(store);
            var head = await store.ReadHeadPositionAsync();
            var total = head * projections.Count;

            // When the API is killed three times at random moments of the catch-up, then left to finish
            var killedAt = new List<long>();
            for (var kill = 0; kill < Kills; kill++)
            {
                // Each kill lands in its own stretch of the first half or so of the catch-up, so each one interrupts
                // work still to do even when the host runs ahead of this loop's polling (a loaded machine, a faster host).
                var threshold = (long)(total * ((kill + 0.1 + (random.NextDouble() * 0.6)) / (Kills + 2)));
                await using var server = ApiProcess.Start(settings);
                var started = Stopwatch.StartNew();
                while (await ProgressAsync(store, projections) < threshold)
                {
                    server.ExitCode.Should().BeNull("the API should run until killed; its output: {0}", server.Output);
                    started.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(3), "the read models should make progress; the API's output: {0}", server.Output);
                    await Task.Delay(random.Next(1, 15));
                }

                await server.KillAsync();
                killedAt.Add(await ProgressAsync(store, projections));
            }

            await using (var last = ApiProcess.Start(settings))
            {
                var deadline = Stopwatch.StartNew();
                while (!await CaughtUpAsync(store, projections))
                {
                    deadline.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(3), "the read models should catch up; the API's output: {0}", last.Output);
                    last.ExitCode.Should().BeNull("the API should keep running; its output: {0}", last.Output);
                    await Task.Delay(50);
                }

                await last.KillAsync();
            }

            // Then every kill interrupted the catch-up, each checkpoint is the head, the case history holds each
            // application event once, and every read model equals a rebuild of it made without interruption
            killedAt.Should().OnlyContain(p => p < total, "each kill (random seed {0}) should land before the read models caught up ({1} event applications in all)", seed, total);
            head = await store.ReadHeadPositionAsync();
            foreach (var projection in projections)
            {
                (await store.ReadCheckpointAsync($"projection:{projection}:g1")).Should().Be(head, "projection {0} has applied the whole log", projection);
            }

            await AssertHistoryMatchesTheLogAsync(store);
            var killed = await DumpAsync(store, generation: 1);
            (await RunToExitAsync(settings, "projections", "rebuild")).Should().Be(0);
            var rebuilt = await DumpAsync(store, generation: 2);
            rebuilt.Keys.Should().BeEquivalentTo(killed.Keys);
            foreach (var (table, rows) in killed)
            {
                rows.Should().Equal(rebuilt[table], "table {0} after {1} kills (random seed {2}) should equal its clean rebuild: a missing row is a skipped event, an extra or changed one an event applied twice", table, Kills, seed);
            }
        }
        finally
        {
            (store as IDisposable)?.Dispose();
            await cleanup();
        }
    }

    /// <summary>Drops every read-model table, its generation row and its checkpoint; the events and other subscriptions stay.</summary>
    private static async Task<IReadOnlyList<string>> ResetReadModelsAsync(IEventStore store)
    {
        var projections = await QueryAsync(store, $"SELECT name FROM {store.Table("projection_generations")} ORDER BY name");
        projections.Should().HaveCountGreaterThan(3, "the seed command builds every read model");
        var tables = await QueryAsync(store, store.Engine == "messagedb"
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'titleeval' AND table_name LIKE '%\\_g1' ESCAPE '\\'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_g1' ESCAPE '\\'");
        tables.Should().NotBeEmpty();
        foreach (var table in tables)
        {
            await ExecuteAsync(store, $"DROP TABLE {store.Table(table)}");
        }

        await ExecuteAsync(store, $"DELETE FROM {store.Table("projection_generations")}");
        await ExecuteAsync(store, $"DELETE FROM {store.Table("subscription_checkpoints")} WHERE name LIKE 'projection:%'");
        return projections;
    }

    private static async Task<long> ProgressAsync(IEventStore store, IReadOnlyList<string> projections)
    {
        var sum = 0L;
        foreach (var projection in projections)
        {
            sum += await store.ReadCheckpointAsync($"projection:{projection}:g1");
        }

        return sum;
    }

    private static async Task<bool> CaughtUpAsync(IEventStore store, IReadOnlyList<string> projections)
    {
        var head = await store.ReadHeadPositionAsync();
        foreach (var projection in projections)
        {
            if (await store.ReadCheckpointAsync($"projection:{projection}:g1") < head)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task AssertHistoryMatchesTheLogAsync(IEventStore store)
    {
        var expected = new List<string>();
        IReadOnlyList<RecordedEvent> batch;
        var after = 0L;
        while ((batch = await store.ReadAllAsync(after, 500)).Count > 0)
        {
            expected.AddRange(batch.Where(e => e.Stream.Category == "application")
                .Select(e => $"{Guid.ParseExact(e.Stream.Id, "N"):D} {e.Version} {e.GlobalPosition} {e.Type}"));
            after = batch[^1].GlobalPosition;
        }

        var history = await QueryAsync(store, $"SELECT application_id, version, global_position, event_type FROM {store.Table("case_history_v2_g1")} ORDER BY global_position");
        expected.Should().NotBeEmpty();
        history.Should().Equal(expected, "the case history holds every application event exactly once, in the log's order");
    }

    /// <summary>Every row of every table of one generation, as text, sorted: two generations built from one log must be equal.</summary>
    private static async Task<Dictionary<string, List<string>>> DumpAsync(IEventStore store, int generation)
    {
        var suffix = $"_g{generation}";
        var tables = await QueryAsync(store, store.Engine == "messagedb"
            ? $"SELECT table_name FROM information_schema.tables WHERE table_schema = 'titleeval' AND table_name LIKE '%\\{suffix}' ESCAPE '\\'"
            : $"SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\{suffix}' ESCAPE '\\'");
        var dump = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            var rows = await QueryAsync(store, $"SELECT * FROM {store.Table(table)}");
            rows.Sort(StringComparer.Ordinal);
            dump[table[..^suffix.Length]] = rows;
        }

        return dump;
    }

    private static async Task<List<string>> QueryAsync(IEventStore store, string sql)
    {
        await using var connection = await store.OpenReadModelConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static async Task ExecuteAsync(IEventStore store, string sql)
    {
        await using var connection = await store.OpenReadModelConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> RunToExitAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        await using var process = ApiProcess.Start(settings, args);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        exitCode.Should().Be(0, "`{0}` should succeed; its output: {1}", string.Join(" ", args), process.Output);
        return exitCode;
    }

    /// <summary>The built API run with <c>dotnet</c>, its output kept for failure messages.</summary>
    private sealed class ApiProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();

        private ApiProcess(Process process)
        {
            this.process = process;
        }

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public int? ExitCode => process.HasExited ? process.ExitCode : null;

        public static ApiProcess Start(IReadOnlyDictionary<string, string> settings, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TitleEval.Cases.Api.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
            foreach (var (key, value) in settings)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            var api = new ApiProcess(new Process { StartInfo = start });
            api.process.OutputDataReceived += (_, e) => api.Append(e.Data);
            api.process.ErrorDataReceived += (_, e) => api.Append(e.Data);
            api.process.Start();
            api.process.BeginOutputReadLine();
            api.process.BeginErrorReadLine();
            return api;
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(cancel.Token);
            return process.ExitCode;
        }

        /// <summary>SIGKILL: the process gets no chance to finish or roll back its open transaction.</summary>
        public async Task KillAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                await KillAsync();
            }

            process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}

public sealed class SqliteProjectionHostKillTests : ProjectionHostKillTests
{
    protected override Task<(IReadOnlyDictionary<string, string> Settings, IEventStore Store, Func<Task> Cleanup)> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "titleeval-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "titleeval.db");
        var settings = new Dictionary<string, string>
        {
            ["EventStore:Engine"] = "Sqlite",
            ["EventStore:SqlitePath"] = path,
            ["Projections:BatchSize"] = "1",
        };
        var store = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.Sqlite, SqlitePath = path }, TimeProvider.System);
        return Task.FromResult<(IReadOnlyDictionary<string, string>, IEventStore, Func<Task>)>((settings, store, () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the OS cleans the temp folder.
            }

            return Task.CompletedTask;
        }));
    }
}

[RequiresPostgres]
public sealed class PostgresProjectionHostKillTests : ProjectionHostKillTests
{
    protected override async Task<(IReadOnlyDictionary<string, string> Settings, IEventStore Store, Func<Task> Cleanup)> CreateAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["EventStore:Engine"] = "MessageDb",
            ["EventStore:PostgresConnectionString"] = database,
            ["Privacy:ResidentIdHmacKey"] = Convert.ToBase64String(new byte[32]),
            ["Projections:BatchSize"] = "1",
            ["Audit:CheckpointSigningKey"] = TestKeys.AuditSigningKey,
        };
        var store = EventStoreFactory.Create(new EventStoreOptions { Engine = EventStoreEngine.MessageDb, PostgresConnectionString = database }, TimeProvider.System);
        return (settings, store, () => PostgresServer.DropDatabaseAsync(database));
    }
}
