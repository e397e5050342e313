using System.Collections.Concurrent;
using System.Diagnostics;
using FluentAssertions;
using TitleEval.Cases.EventStore.Subscriptions;
using TitleEval.Cases.EventStore.Tests.Engines;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.EventStore.Tests;

/// <summary>
/// The semantics every engine must keep (architecture.md §1). Each engine runs this same suite through a subclass;
/// each test gets a fresh, empty store.
/// </summary>
public abstract class EventStoreContract
{
    protected abstract Task<StoreUnderTest> CreateAsync(int maxEventSizeBytes = 64 * 1024);

    [EngineFact]
    public async Task Appended_events_read_back_with_versions_positions_and_content()
    {
        await using var s = await CreateAsync();
        var stream = TestEvents.Stream();
        var events = new[] { TestEvents.New("application-submitted.v1", new { name = "张三", level = "DeputySenior" }), TestEvents.New(), TestEvents.New() };

        var result = await s.Store.AppendAsync(stream, ExpectedVersion.NoStream, events);
        var read = await s.Store.ReadStreamAsync(stream);

        result.AlreadyStored.Should().BeFalse();
        read.Select(e => e.Version).Should().Equal(0, 1, 2);
        read.Select(e => e.EventId).Should().Equal(events.Select(e => e.EventId));
        read.Select(e => e.GlobalPosition).Should().Equal(result.Events.Select(e => e.GlobalPosition)).And.BeInAscendingOrder();
        read.Should().AllSatisfy(e => e.Stream.Should().Be(stream));
        read[0].Type.Should().Be("application-submitted.v1");
        TestEvents.SameJson(read[0].Data, events[0].Data).Should().BeTrue("data {0} should equal {1}", read[0].Data, events[0].Data);
        TestEvents.SameJson(read[0].Metadata, events[0].Metadata).Should().BeTrue();
        read[0].RecordedAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        result.VersionOf(stream).Should().Be(2);
        (await s.Store.ReadHeadPositionAsync()).Should().Be(result.LastGlobalPosition);
    }

    [EngineFact]
    public async Task A_stream_reads_from_a_version_and_up_to_a_count()
    {
        await using var s = await CreateAsync();
        var stream = TestEvents.Stream();
        await s.Store.AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Many(5));

        (await s.Store.ReadStreamAsync(stream, fromVersion: 2)).Select(e => e.Version).Should().Equal(2, 3, 4);
        (await s.Store.ReadStreamAsync(stream, fromVersion: 1, maxCount: 2)).Select(e => e.Version).Should().Equal(1, 2);
        (await s.Store.ReadStreamAsync(TestEvents.Stream())).Should().BeEmpty();
    }

    [EngineFact]
    public async Task The_whole_store_and_one_category_read_in_global_order_in_batches()
    {
        await using var s = await CreateAsync();
        var written = new List<AppendedEvent>();
        for (var i = 0; i < 7; i++)
        {
            written.AddRange((await s.Store.AppendAsync(TestEvents.Stream(i % 2 == 0 ? "application" : "person"), ExpectedVersion.Any, [TestEvents.New()])).Events);
        }

        var all = await ReadEverythingAsync(s.Store, (after, ct) => s.Store.ReadAllAsync(after, 3, ct));
        var applications = await ReadEverythingAsync(s.Store, (after, ct) => s.Store.ReadCategoryAsync("application", after, 2, ct));

        all.Select(e => e.EventId).Should().Equal(written.Select(e => e.EventId));
        all.Select(e => e.GlobalPosition).Should().BeInAscendingOrder();
        applications.Select(e => e.EventId).Should().Equal(written.Where(e => e.Stream.Category == "application").Select(e => e.EventId));
        (await s.Store.ReadAllAsync(all[^1].GlobalPosition, 10)).Should().BeEmpty();
    }

    [EngineFact]
    public async Task Expecting_no_stream_when_the_stream_exists_writes_nothing()
    {
        await using var s = await CreateAsync();
        var stream = TestEvents.Stream();
        await s.Store.AppendAsync(stream, ExpectedVersion.NoStream, [TestEvents.New()]);

        var act = () => s.Store.AppendAsync(stream, ExpectedVersion.NoStream, [TestEvents.New()]);

        (await act.Should().ThrowAsync<WrongExpectedVersionException>()).Which.Actual.Should().Be(0);
        (await s.CountStoredEventsAsync()).Should().Be(1);
    }

    [EngineFact]
    public async Task Expecting_an_exact_version_of_an_absent_stream_writes_nothing()
    {
        await using var s = await CreateAsync();

        var act = () => s.Store.AppendAsync(TestEvents.Stream(), ExpectedVersion.Exactly(0), [TestEvents.New()]);

        (await act.Should().ThrowAsync<WrongExpectedVersionException>()).Which.Actual.Should().Be(-1);
        (await s.CountStoredEventsAsync()).Should().Be(0);
    }

    [EngineFact]
    public async Task Expecting_a_stale_version_writes_nothing_and_the_current_one_appends()
    {
        await using var s = await CreateAsync();
        var stream = TestEvents.Stream();
        await s.Store.AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Many(3));

        var stale = () => s.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [TestEvents.New()]);

        var conflict = (await stale.Should().ThrowAsync<WrongExpectedVersionException>()).Which;
        conflict.Stream.Should().Be(stream);
        conflict.Actual.Should().Be(2);
        (await s.CountStoredEventsAsync()).Should().Be(3);
        (await s.Store.AppendAsync(stream, ExpectedVersion.Exactly(2), [TestEvents.New()])).VersionOf(stream).Should().Be(3);
        (await s.Store.AppendAsync(stream, ExpectedVersion.Any, [TestEvents.New()])).VersionOf(stream).Should().Be(4);
    }

    [EngineFact]
    public async Task A_multi_stream_append_writes_all_streams_in_one_commit()
    {
        await using var s = await CreateAsync();
        var application = TestEvents.Stream("application");
        var person = TestEvents.Stream("person");

        var result = await s.Store.AppendAsync([
            new StreamAppend(application, ExpectedVersion.NoStream, TestEvents.Many(2)),
            new StreamAppend(person, ExpectedVersion.NoStream, [TestEvents.New()]),
        ]);

        result.VersionOf(application).Should().Be(1);
        result.VersionOf(person).Should().Be(0);
        (await s.Store.ReadStreamAsync(application)).Should().HaveCount(2);
        (await s.Store.ReadStreamAsync(person)).Should().HaveCount(1);
    }

    [EngineFact]
    public async Task A_multi_stream_append_where_one_stream_conflicts_writes_nothing_to_any_stream()
    {
        await using var s = await CreateAsync();
        var application = TestEvents.Stream("application");
        var person = TestEvents.Stream("person");
        await s.Store.AppendAsync(person, ExpectedVersion.NoStream, [TestEvents.New()]);

        var act = () => s.Store.AppendAsync([
            new StreamAppend(application, ExpectedVersion.NoStream, TestEvents.Many(2)),
            new StreamAppend(person, ExpectedVersion.NoStream, [TestEvents.New()]),
        ]);

        (await act.Should().ThrowAsync<WrongExpectedVersionException>()).Which.Stream.Should().Be(person);
        (await s.Store.ReadStreamAsync(application)).Should().BeEmpty();
        (await s.CountStoredEventsAsync()).Should().Be(1);
    }

    [EngineFact]
    public async Task Re_appending_the_same_event_ids_returns_the_original_positions_and_adds_nothing()
    {
        await using var s = await CreateAsync();
        var application = TestEvents.Stream("application");
        var person = TestEvents.Stream("person");
        var appends = new[]
        {
            new StreamAppend(application, ExpectedVersion.NoStream, TestEvents.Many(2)),
            new StreamAppend(person, ExpectedVersion.NoStream, [TestEvents.New()]),
        };
        var first = await s.Store.AppendAsync(appends);
        await s.Store.AppendAsync(application, ExpectedVersion.Exactly(1), [TestEvents.New()]);

        // The retry's expected versions are stale now; it is still the same append, so it succeeds as a no-op.
        var retry = await s.Store.AppendAsync(appends);

        retry.AlreadyStored.Should().BeTrue();
        retry.Events.Should().BeEquivalentTo(first.Events);
        (await s.CountStoredEventsAsync()).Should().Be(4);
    }

    [EngineFact]
    public async Task An_append_reusing_only_some_stored_event_ids_is_refused_and_writes_nothing()
    {
        await using var s = await CreateAsync();
        var stream = TestEvents.Stream();
        var stored = TestEvents.New();
        await s.Store.AppendAsync(stream, ExpectedVersion.NoStream, [stored]);

        var partial = () => s.Store.AppendAsync(stream, ExpectedVersion.Any, [stored, TestEvents.New()]);
        var elsewhere = () => s.Store.AppendAsync(TestEvents.Stream(), ExpectedVersion.Any, [stored]);

        await partial.Should().ThrowAsync<EventIdConflictException>();
        (await elsewhere.Should().ThrowAsync<EventIdConflictException>()).Which.EventId.Should().Be(stored.EventId);
        (await s.CountStoredEventsAsync()).Should().Be(1);
    }

    [EngineFact]
    public async Task An_idempotency_key_is_stored_with_its_events_and_only_with_them()
    {
        await using var s = await CreateAsync();
        var stream = TestEvents.Stream();
        var record = new IdempotencyRecord("key-1", "hash-a", result => $$"""{"position":{{result.LastGlobalPosition}}}""");

        var first = await s.Store.AppendAsync([new StreamAppend(stream, ExpectedVersion.NoStream, [TestEvents.New()])], record);
        var stored = await s.Store.ReadIdempotencyAsync("key-1");
        var conflicting = () => s.Store.AppendAsync([new StreamAppend(stream, ExpectedVersion.NoStream, [TestEvents.New()])], record with { Key = "key-2" });
        var reused = () => s.Store.AppendAsync([new StreamAppend(stream, ExpectedVersion.Any, [TestEvents.New()])], record);

        stored.Should().NotBeNull();
        stored!.RequestHash.Should().Be("hash-a");
        stored.GlobalPosition.Should().Be(first.LastGlobalPosition);
        TestEvents.SameJson(stored.Response, $$"""{"position":{{first.LastGlobalPosition}}}""").Should().BeTrue();
        await conflicting.Should().ThrowAsync<WrongExpectedVersionException>();
        (await s.Store.ReadIdempotencyAsync("key-2")).Should().BeNull("a key is stored only when its events are");
        (await reused.Should().ThrowAsync<IdempotencyKeyTakenException>()).Which.Key.Should().Be("key-1");
        (await s.CountStoredEventsAsync()).Should().Be(1);
    }

    [EngineFact]
    public async Task Bad_input_is_a_typed_error_and_writes_nothing()
    {
        await using var s = await CreateAsync(maxEventSizeBytes: 1024);
        var stream = TestEvents.Stream();

        await FluentActions.Awaiting(() => s.Store.AppendAsync(default(StreamName), ExpectedVersion.Any, [TestEvents.New()]))
            .Should().ThrowAsync<InvalidStreamNameException>();
        FluentActions.Invoking(() => StreamName.Parse("")).Should().Throw<InvalidStreamNameException>().Which.Reason.Should().Contain("empty");
        FluentActions.Invoking(() => StreamName.Parse("nocategory")).Should().Throw<InvalidStreamNameException>().Which.Reason.Should().Contain("no category");
        await FluentActions.Awaiting(() => s.Store.AppendAsync(stream, ExpectedVersion.Any, [TestEvents.New() with { Data = "not json" }]))
            .Should().ThrowAsync<InvalidAppendException>();
        await FluentActions.Awaiting(() => s.Store.AppendAsync(stream, ExpectedVersion.Any, [TestEvents.New() with { Data = "[1,2]" }]))
            .Should().ThrowAsync<InvalidAppendException>();
        await FluentActions.Awaiting(() => s.Store.AppendAsync(stream, ExpectedVersion.Any, [TestEvents.New(), TestEvents.New() with { Metadata = "{" }]))
            .Should().ThrowAsync<InvalidAppendException>();
        var tooLarge = await FluentActions.Awaiting(() => s.Store.AppendAsync(stream, ExpectedVersion.Any, [TestEvents.New(data: new { text = new string('材', 400) })]))
            .Should().ThrowAsync<EventTooLargeException>();
        tooLarge.Which.SizeBytes.Should().BeGreaterThan(1024);
        tooLarge.Which.LimitBytes.Should().Be(1024);
        await FluentActions.Awaiting(() => s.Store.AppendAsync(stream, ExpectedVersion.Any, []))
            .Should().ThrowAsync<InvalidAppendException>();

        (await s.CountStoredEventsAsync()).Should().Be(0);
    }

    [EngineFact]
    public async Task A_subscriber_following_eight_concurrent_writers_sees_every_event_once_in_order()
    {
        await using var s = await CreateAsync();
        const int writers = 8;
        const int appendsPerWriter = 250;
        var seen = new ConcurrentQueue<long>();
        var subscription = new CatchUpSubscription(s.Store, "follower", (events, tx, ct) =>
        {
            foreach (var e in events)
            {
                seen.Enqueue(e.GlobalPosition);
            }

            return Task.CompletedTask;
        }, new CatchUpSubscriptionOptions { BatchSize = 7, PollInterval = TimeSpan.FromMilliseconds(5) });
        using var stop = new CancellationTokenSource();
        var follower = Task.Run(() => subscription.RunAsync(stop.Token));

        var committed = new ConcurrentBag<long>();
        // Eight categories: Message DB's category locks then leave the writers free to race each other, which is what the
        // store-wide lock must tame (with three, one-round-trip appends rarely overlapped enough to expose a missing lock).
        var categories = new[] { "application", "person", "integrity", "employer", "quota", "committee", "expert", "plan" };
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var streams = Enumerable.Range(0, 10).Select(i => TestEvents.Stream(categories[(w + i) % categories.Length])).ToArray();
            for (var i = 0; i < appendsPerWriter; i++)
            {
                // 1 to 6 events: a longer append leaves a wider gap between taking its first position and committing.
                var events = TestEvents.Many(EventsInAppend(i));
                var result = await s.Store.AppendAsync(streams[i % streams.Length], ExpectedVersion.Any, events);
                foreach (var e in result.Events)
                {
                    committed.Add(e.GlobalPosition);
                }
            }
        })));

        var expected = committed.Order().ToArray();
        var deadline = Stopwatch.StartNew();
        while (seen.Count < expected.Length && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await follower;

        expected.Should().HaveCount(writers * Enumerable.Range(0, appendsPerWriter).Sum(EventsInAppend));
        seen.Should().Equal(expected, "the subscriber must see each committed event once, in global order, none skipped");
        (await ReadEverythingAsync(s.Store, (after, ct) => s.Store.ReadAllAsync(after, 1000, ct))).Select(e => e.GlobalPosition).Should().Equal(expected);
    }

    [EngineFact]
    public async Task A_subscriber_whose_handler_fails_after_writing_resumes_from_its_checkpoint_and_applies_each_event_once()
    {
        await using var s = await CreateAsync();
        for (var i = 0; i < 10; i++)
        {
            await s.Store.AppendAsync(TestEvents.Stream(), ExpectedVersion.NoStream, TestEvents.Many(2));
        }

        var failOnce = true;
        SubscriptionBatchHandler handler = async (events, tx, ct) =>
        {
            await AppliedEvents.WriteAsync(events, tx, "projection", ct);
            if (failOnce && events.Any(e => e.GlobalPosition >= 9))
            {
                failOnce = false;
                throw new InvalidOperationException("read model write failed after its rows were written");
            }
        };

        await FluentActions.Awaiting(() => new CatchUpSubscription(s.Store, "projection", handler, new() { BatchSize = 4 }).CatchUpAsync())
            .Should().ThrowAsync<InvalidOperationException>();
        var checkpointAfterFailure = await s.Store.ReadCheckpointAsync("projection");
        await new CatchUpSubscription(s.Store, "projection", handler, new() { BatchSize = 4 }).CatchUpAsync();

        checkpointAfterFailure.Should().BeGreaterThan(0).And.BeLessThan(9);
        await AssertAppliedExactlyOnceAsync(s, "projection");
    }

    [EngineFact]
    public async Task A_subscriber_process_killed_before_its_commit_resumes_from_its_checkpoint_and_applies_each_event_once()
    {
        await using var s = await CreateAsync();
        for (var i = 0; i < 12; i++)
        {
            await s.Store.AppendAsync(TestEvents.Stream(), ExpectedVersion.NoStream, TestEvents.Many(2));
        }

        var (first, last) = await RunSubscriberProcessUntilItHangsAsync(s, "killed", batchSize: 5, hangOnBatch: 3);
        var checkpointAfterKill = await s.Store.ReadCheckpointAsync("killed");
        await new CatchUpSubscription(s.Store, "killed", (events, tx, ct) => AppliedEvents.WriteAsync(events, tx, "killed", ct), new() { BatchSize = 5 }).CatchUpAsync();

        checkpointAfterKill.Should().Be(first - 1, "the two committed batches stay; the killed one ({0}..{1}) left nothing", first, last);
        await AssertAppliedExactlyOnceAsync(s, "killed");
    }

    [EngineFact]
    public async Task Two_instances_of_one_subscription_never_apply_an_event_twice()
    {
        await using var s = await CreateAsync();
        for (var i = 0; i < 40; i++)
        {
            await s.Store.AppendAsync(TestEvents.Stream(), ExpectedVersion.NoStream, [TestEvents.New()]);
        }

        SubscriptionBatchHandler handler = (events, tx, ct) => AppliedEvents.WriteAsync(events, tx, "shared", ct);
        await Task.WhenAll(
            Task.Run(() => new CatchUpSubscription(s.Store, "shared", handler, new() { BatchSize = 3 }).CatchUpAsync()),
            Task.Run(() => new CatchUpSubscription(s.Store, "shared", handler, new() { BatchSize = 3 }).CatchUpAsync()));

        await AssertAppliedExactlyOnceAsync(s, "shared");
    }

    private static int EventsInAppend(int i) => 1 + (i % 6);

    private static async Task<List<RecordedEvent>> ReadEverythingAsync(IEventStore store, Func<long, CancellationToken, Task<IReadOnlyList<RecordedEvent>>> readBatch)
    {
        var all = new List<RecordedEvent>();
        IReadOnlyList<RecordedEvent> batch;
        while ((batch = await readBatch(all.Count == 0 ? 0 : all[^1].GlobalPosition, CancellationToken.None)).Count > 0)
        {
            all.AddRange(batch);
        }

        return all;
    }

    private static async Task AssertAppliedExactlyOnceAsync(StoreUnderTest s, string subscription)
    {
        var all = await ReadEverythingAsync(s.Store, (after, ct) => s.Store.ReadAllAsync(after, 1000, ct));
        var applied = new List<long>();
        await s.Store.ApplyNextBatchAsync("assert-reader-" + Guid.NewGuid().ToString("N"), 1, async (_, tx, ct) =>
        {
            await using var query = tx.CreateCommand($"SELECT global_position FROM {tx.Table("applied_events")} WHERE subscription = @s ORDER BY global_position");
            var p = query.CreateParameter();
            p.ParameterName = "@s";
            p.Value = subscription;
            query.Parameters.Add(p);
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetInt64(0));
            }
        });

        applied.Should().Equal(all.Select(e => e.GlobalPosition), "every event is applied exactly once");
        (await s.Store.ReadCheckpointAsync(subscription)).Should().Be(all[^1].GlobalPosition);
    }

    private static async Task<(long First, long Last)> RunSubscriberProcessUntilItHangsAsync(StoreUnderTest s, string subscription, int batchSize, int hangOnBatch)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "TitleEval.Cases.EventStore.SubscriberHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { host, s.Store.Engine, s.EngineArgument, subscription, batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), hangOnBatch.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            line.Should().StartWith("HANGING", "the subscriber process should reach its open transaction; stderr: {0}", line is null ? await process.StandardError.ReadToEndAsync() : "");
            var parts = line!.Split(' ');
            return (long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            // SIGKILL: no finally blocks, no rollback from the process itself; the database must discard the open transaction.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [EngineFact]
    public async Task A_read_model_query_sees_rows_committed_after_an_earlier_one_stopped_reading_early()
    {
        // Given a read-model table with three rows, and a query that read only the first of them
        await using var s = await CreateAsync();
        var table = s.Store.Table("query_test");
        await ExecuteAsync(s, $"CREATE TABLE {table} (x BIGINT)", $"INSERT INTO {table} (x) VALUES (1), (2), (3)");
        var first = await s.Store.QueryReadModelAsync($"SELECT x FROM {table} ORDER BY x", [], async (reader, ct) =>
        {
            await reader.ReadAsync(ct);
            return reader.GetInt64(0);
        });

        // When a fourth row is committed elsewhere
        await ExecuteAsync(s, $"INSERT INTO {table} (x) VALUES (4)");

        // Then the same query and another see it: no kept statement holds an old snapshot
        first.Should().Be(1);
        (await s.Store.QueryReadModelAsync($"SELECT x FROM {table} ORDER BY x", [], ReadAllAsync)).Should().Equal(1, 2, 3, 4);
        (await s.Store.QueryReadModelAsync($"SELECT count(*) FROM {table}", [], ReadAllAsync)).Should().Equal(4);
    }

    [EngineFact]
    public async Task A_read_model_query_binds_its_parameters_afresh_each_time()
    {
        await using var s = await CreateAsync();
        var table = s.Store.Table("query_test");
        await ExecuteAsync(s, $"CREATE TABLE {table} (x BIGINT)", $"INSERT INTO {table} (x) VALUES (1), (2), (3)");
        var sql = $"SELECT x FROM {table} WHERE x > @min ORDER BY x";

        (await s.Store.QueryReadModelAsync(sql, [("@min", 1L)], ReadAllAsync)).Should().Equal(2, 3);
        (await s.Store.QueryReadModelAsync(sql, [("@min", 2L)], ReadAllAsync)).Should().Equal(3);
        (await s.Store.QueryReadModelAsync(sql, [("@min", null)], ReadAllAsync)).Should().BeEmpty();
    }

    [EngineFact]
    public async Task A_read_model_query_that_fails_leaves_the_next_one_working()
    {
        // Given a query that has run, and its table then dropped (as a generation switch drops an old generation's)
        await using var s = await CreateAsync();
        var table = s.Store.Table("query_test");
        await ExecuteAsync(s, $"CREATE TABLE {table} (x BIGINT)", $"INSERT INTO {table} (x) VALUES (1)");
        var sql = $"SELECT x FROM {table}";
        (await s.Store.QueryReadModelAsync(sql, [], ReadAllAsync)).Should().Equal(1);
        await ExecuteAsync(s, $"DROP TABLE {table}");

        // When it runs again it fails, and after the table is back it answers from the new table
        var failing = () => s.Store.QueryReadModelAsync(sql, [], ReadAllAsync);
        await failing.Should().ThrowAsync<System.Data.Common.DbException>();
        await ExecuteAsync(s, $"CREATE TABLE {table} (x BIGINT)", $"INSERT INTO {table} (x) VALUES (7), (8)");
        (await s.Store.QueryReadModelAsync(sql, [], ReadAllAsync)).Should().Equal(7, 8);
    }

    private static async Task<List<long>> ReadAllAsync(System.Data.Common.DbDataReader reader, CancellationToken cancellationToken)
    {
        var values = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }

    private static async Task ExecuteAsync(StoreUnderTest s, params string[] statements)
    {
        await using var connection = await s.Store.OpenReadModelConnectionAsync();
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}

public sealed class SqliteEventStoreContract : EventStoreContract
{
    protected override Task<StoreUnderTest> CreateAsync(int maxEventSizeBytes = 64 * 1024) => StoreUnderTest.SqliteAsync(maxEventSizeBytes);
}

[RequiresPostgres]
public sealed class MessageDbEventStoreContract : EventStoreContract
{
    protected override Task<StoreUnderTest> CreateAsync(int maxEventSizeBytes = 64 * 1024) => StoreUnderTest.MessageDbAsync(maxEventSizeBytes);
}
