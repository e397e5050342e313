using FluentAssertions;
using Npgsql;
using TitleEval.Cases.EventStore.MessageDb;
using TitleEval.Cases.EventStore.Tests.Engines;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.EventStore.Tests;

/// <summary>
/// The store-wide append lock, checked deterministically: the concurrency test in the contract suite can only catch a
/// missing lock when a race happens to fall in a sub-millisecond window; this one holds the window open.
/// </summary>
[RequiresPostgres]
public sealed class MessageDbAppendLockTests
{
    [EngineFact]
    public async Task An_append_waits_for_a_writer_holding_the_store_wide_lock_so_positions_become_visible_in_order()
    {
        await using var s = await StoreUnderTest.MessageDbAsync();
        await using var slow = new NpgsqlConnection(s.Options.PostgresConnectionString);
        await slow.OpenAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        long slowPosition;
        // Given a writer that took the lock and wrote its event (in another category), not yet committed
        await using (var write = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({MessageDbEventStore.AppendLockKey}); SELECT message_store.write_message(gen_random_uuid()::text, 'slow-1', 'test-happened.v1', '{{}}'::jsonb, '{{}}'::jsonb, NULL); SELECT currval('message_store.messages_global_position_seq')",
            slow,
            transaction))
        {
            await using var reader = await write.ExecuteReaderAsync();
            await reader.NextResultAsync();
            await reader.NextResultAsync();
            await reader.ReadAsync();
            slowPosition = reader.GetInt64(0);
        }

        // When another append starts
        var quick = s.Store.AppendAsync(TestEvents.Stream("quick"), ExpectedVersion.Any, [TestEvents.New()]);
        await Task.Delay(700);

        // Then it waits for the lock, so it cannot take a later position and become visible first
        quick.IsCompleted.Should().BeFalse("every append takes the store-wide lock before it writes");
        (await s.Store.ReadAllAsync(0, 10)).Should().BeEmpty();
        await transaction.CommitAsync();
        var appended = await quick.WaitAsync(TimeSpan.FromSeconds(10));
        appended.LastGlobalPosition.Should().BeGreaterThan(slowPosition);
        (await s.Store.ReadAllAsync(0, 10)).Select(e => e.GlobalPosition).Should().Equal(slowPosition, appended.LastGlobalPosition);
    }
}
