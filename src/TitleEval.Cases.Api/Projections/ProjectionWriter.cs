using System.Data.Common;
using Npgsql;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Projections;

/// <summary>
/// What the projections applying one batch in one transaction share: the events parsed once, the prepared statements
/// (SQLite) and the queue of writes not yet sent (PostgreSQL). Profiling the rebuild showed each projection parsing
/// every event again, SQLite preparing every statement again per row and PostgreSQL paying one round trip per row;
/// this removes the three. The owner calls <see cref="FlushAsync"/> before the checkpoint is saved.
/// </summary>
public sealed class ProjectionWriter(SubscriberTransaction transaction) : IAsyncDisposable
{
    /// <summary>Writes sent to PostgreSQL in one round trip; bounds the memory the queue holds.</summary>
    private const int MaxQueued = 500;

    /// <summary>Rows of one single-row INSERT … VALUES merged into one statement (well under both engines' parameter limits).</summary>
    private const int RowsPerInsert = 64;

    private static readonly System.Text.RegularExpressions.Regex ParameterName = new(@"@(\w+)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> MergedSql = new(StringComparer.Ordinal);

    private readonly Dictionary<string, DbCommand> prepared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement> raw = new(StringComparer.Ordinal);
    private readonly Dictionary<RecordedEvent, object> events = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<RecordedEvent, EventMetadata?> metadata = new(ReferenceEqualityComparer.Instance);
    private readonly bool queueWrites = transaction.Engine == "messagedb" && transaction.Connection.CanCreateBatch;
    private DbBatch? queued;
    private string? rowsSql;
    private readonly List<IReadOnlyList<(string Name, object? Value)>> rows = [];
    private readonly Dictionary<string, AppendShape> appends = new(StringComparer.Ordinal);
    private NpgsqlBinaryImporter? copy;
    private AppendShape? copyShape;

    public SubscriberTransaction Transaction { get; } = transaction;

    /// <summary>
    /// Set by the host for the generations being rebuilt: nothing reads their tables yet and their rows can only be new,
    /// so on PostgreSQL <see cref="AppendAsync"/> sends its rows by binary COPY. Profiling a 1M-event rebuild showed
    /// 42% of its time in the server ingesting multi-row INSERTs, most of them these rows.
    /// </summary>
    public bool Rebuilding { get; init; }

    /// <summary>Stopwatch ticks spent copying appended rows (opening, writing, completing the COPY).</summary>
    public long CopyTicks { get; private set; }

    /// <summary>Rows sent by COPY: how a test knows the rebuild took that path.</summary>
    public long CopiedRows { get; private set; }

    /// <summary>Stopwatch ticks spent parsing events and metadata (counted once per event, by whichever projection asked first).</summary>
    public long ParseTicks { get; private set; }

    /// <summary>Stopwatch ticks spent sending queued writes.</summary>
    public long FlushTicks { get; private set; }

    /// <summary>Takes events and metadata parsed ahead of the batch (see <see cref="ProjectionHost"/>'s read ahead) as if parsed here.</summary>
    public void Adopt(IReadOnlyDictionary<RecordedEvent, object> parsedEvents, IReadOnlyDictionary<RecordedEvent, EventMetadata?> parsedMetadata)
    {
        foreach (var (e, parsed) in parsedEvents)
        {
            events[e] = parsed;
        }

        foreach (var (e, parsed) in parsedMetadata)
        {
            metadata[e] = parsed;
        }
    }

    public object Event(RecordedEvent e)
    {
        if (!events.TryGetValue(e, out var parsed))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            parsed = EventSerialization.Deserialize(e);
            events[e] = parsed;
            ParseTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }

        return parsed;
    }

    /// <summary>Throws <see cref="System.Text.Json.JsonException"/> for unreadable metadata, every time it is asked.</summary>
    public EventMetadata? Metadata(RecordedEvent e)
    {
        if (!metadata.TryGetValue(e, out var parsed))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            parsed = EventSerialization.Metadata(e);
            metadata[e] = parsed;
            ParseTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }

        return parsed;
    }

    /// <summary>
    /// On PostgreSQL, consecutive executions of the same single-row <c>INSERT … VALUES (…) [ON CONFLICT … DO NOTHING]</c> are held and
    /// sent as one multi-row INSERT of <see cref="RowsPerInsert"/> rows: the same rows in the same order (each row meets
    /// the conflict clause as it would alone), at a fraction of the per-statement cost. Any other statement sends the
    /// held rows first, so statements still run in the order they were asked for.
    /// </summary>
    public async Task ExecuteAsync(string sql, IReadOnlyList<(string Name, object? Value)> parameters, CancellationToken cancellationToken)
    {
        if (copy is not null)
        {
            await CompleteCopyAsync(cancellationToken);
        }

        if (rowsSql is not null && !ReferenceEquals(rowsSql, sql) && rowsSql != sql)
        {
            await SendRowsAsync(cancellationToken);
        }

        // PostgreSQL only: on SQLite a prepared single-row statement is already cheap, and binding a merged one's
        // hundreds of named parameters made it four times slower (measured with the read-side benchmark).
        if (queueWrites && Merged(sql) is not null)
        {
            rowsSql = sql;
            rows.Add(parameters);
            if (rows.Count == RowsPerInsert)
            {
                await SendRowsAsync(cancellationToken);
            }

            return;
        }

        await ExecuteOneAsync(sql, parameters, cancellationToken);
    }

    private async Task SendRowsAsync(CancellationToken cancellationToken)
    {
        var sql = rowsSql!;
        rowsSql = null;
        if (rows.Count == RowsPerInsert)
        {
            var all = new List<(string Name, object? Value)>(RowsPerInsert * rows[0].Count);
            for (var i = 0; i < rows.Count; i++)
            {
                foreach (var (name, value) in rows[i])
                {
                    all.Add(($"{name}_{i}", value));
                }
            }

            rows.Clear();
            await ExecuteOneAsync(Merged(sql)!, all, cancellationToken);
            return;
        }

        // A short remainder goes row by row: one more prepared statement per length would cost more than it saves.
        var held = rows.ToArray();
        rows.Clear();
        foreach (var row in held)
        {
            await ExecuteOneAsync(sql, row, cancellationToken);
        }
    }

    /// <summary>The multi-row form of a single-row INSERT … VALUES (…), or null when the statement is not one.</summary>
    private static string? Merged(string sql) => MergedSql.GetOrAdd(sql, static sql =>
    {
        if (!sql.TrimStart().StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || sql.Contains("SELECT", StringComparison.OrdinalIgnoreCase)
            || sql.Contains("DO UPDATE", StringComparison.OrdinalIgnoreCase) || sql.Contains("RETURNING", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var values = sql.IndexOf("VALUES", StringComparison.OrdinalIgnoreCase);
        var open = values < 0 ? -1 : sql.IndexOf('(', values);
        var close = open < 0 ? -1 : sql.IndexOf(')', open);
        if (close < 0 || sql.IndexOf('(', open + 1, close - open - 1) >= 0)
        {
            return null;
        }

        var tuple = sql[open..(close + 1)];
        var merged = new System.Text.StringBuilder(sql.Length + (RowsPerInsert * tuple.Length * 2));
        merged.Append(sql, 0, open);
        for (var i = 0; i < RowsPerInsert; i++)
        {
            merged.Append(i == 0 ? string.Empty : ", ").Append(ParameterName.Replace(tuple, $"@$1_{i}"));
        }

        return merged.Append(sql, close + 1, sql.Length - close - 1).ToString();
    });

    private async Task ExecuteOneAsync(string sql, IReadOnlyList<(string Name, object? Value)> parameters, CancellationToken cancellationToken)
    {
        if (queueWrites)
        {
            queued ??= NewBatch();
            var command = queued.CreateBatchCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            queued.BatchCommands.Add(command);
            if (queued.BatchCommands.Count >= MaxQueued)
            {
                await FlushAsync(cancellationToken);
            }

            return;
        }

        if (Transaction.Connection is Microsoft.Data.Sqlite.SqliteConnection sqlite && RawStatement.CanBind(parameters))
        {
            if (!raw.TryGetValue(sql, out var statement))
            {
                statement = new RawStatement(sqlite, sql);
                raw[sql] = statement;
            }

            statement.Execute(parameters);
            return;
        }

        await Prepared(sql, parameters).ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Sends the held and queued writes; a read or the checkpoint must come after them.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (copy is not null)
        {
            await CompleteCopyAsync(cancellationToken);
        }

        if (rowsSql is not null)
        {
            await SendRowsAsync(cancellationToken);
        }

        if (queued is { BatchCommands.Count: > 0 } batch)
        {
            queued = null;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await using (batch)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            FlushTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }
    }

    /// <summary>As <see cref="FlushAsync"/>, for <see cref="ProjectionBatch.Command"/> which hands out a command synchronously.</summary>
    public void Flush()
    {
        if (copy is not null)
        {
            CompleteCopyAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        if (rowsSql is not null)
        {
            SendRowsAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        if (queued is { BatchCommands.Count: > 0 } batch)
        {
            queued = null;
            using (batch)
            {
                batch.ExecuteNonQuery();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // An importer never completed (the batch failed) cancels its COPY; the transaction is rolled back anyway.
        if (copy is not null)
        {
            await copy.DisposeAsync();
            copy = null;
        }

        foreach (var command in prepared.Values)
        {
            await command.DisposeAsync();
        }

        prepared.Clear();
        foreach (var statement in raw.Values)
        {
            statement.Dispose();
        }

        raw.Clear();
        if (queued is not null)
        {
            await queued.DisposeAsync();
            queued = null;
        }
    }

    /// <summary>
    /// A row for an insert-only table whose key derives from its event, so it is new unless that event was applied
    /// before. In a PostgreSQL rebuild the row is streamed into an open binary COPY into the table (no conflict is
    /// possible there: a generation being rebuilt applies each event once, checkpoint and rows in one transaction;
    /// one would fail the batch). Otherwise it is <c>INSERT … ON CONFLICT DO NOTHING</c> through
    /// <see cref="ExecuteAsync"/>, prepared on SQLite and merged into multi-row INSERTs on PostgreSQL. Either way the
    /// statements keep their order: any other statement, read or flush first completes the COPY, and a COPY starts
    /// only after every write asked for before it has been sent.
    /// </summary>
    public async Task AppendAsync(string table, IReadOnlyList<(string Column, object? Value)> row, CancellationToken cancellationToken)
    {
        if (!appends.TryGetValue(table, out var shape) || !shape.Fits(row))
        {
            shape = new AppendShape(table, row);
            appends[table] = shape;
        }

        if (!Rebuilding || !queueWrites || Transaction.Connection is not NpgsqlConnection connection)
        {
            var parameters = new (string Name, object? Value)[row.Count];
            for (var i = 0; i < row.Count; i++)
            {
                parameters[i] = (shape.Parameters[i], row[i].Value);
            }

            await ExecuteAsync(shape.InsertSql, parameters, cancellationToken);
            return;
        }

        if (!ReferenceEquals(copyShape, shape))
        {
            await OpenCopyAsync(connection, shape, cancellationToken);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await copy!.StartRowAsync(cancellationToken);
        for (var i = 0; i < row.Count; i++)
        {
            if (row[i].Value is { } value)
            {
                await copy.WriteAsync(value, shape.Types![i], cancellationToken);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken);
            }
        }

        CopiedRows++;
        CopyTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
    }

    /// <summary>
    /// Completes the open COPY, if any, sends what is held, then opens a COPY for <paramref name="shape"/>. One COPY per
    /// run of rows: a rebuild's projections write one after the other, so a batch opens one per insert-only table.
    /// </summary>
    private async Task OpenCopyAsync(NpgsqlConnection connection, AppendShape shape, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        if (shape.Types is null)
        {
            await ReadColumnTypesAsync(shape, cancellationToken);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        copy = await connection.BeginBinaryImportAsync(shape.CopySql, cancellationToken);
        copyShape = shape;
        CopyTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
    }

    private async Task CompleteCopyAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using (var completing = copy!)
        {
            copy = null;
            copyShape = null;
            await completing.CompleteAsync(cancellationToken);
        }

        CopyTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
    }

    /// <summary>
    /// Binary COPY takes each value in exactly its column's wire format (an INSERT would cast an int to a BIGINT
    /// column; COPY would reject it), so the values are written as the table's declared types, read from the catalog
    /// once per writer and table.
    /// </summary>
    private async Task ReadColumnTypesAsync(AppendShape shape, CancellationToken cancellationToken)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = Transaction.CreateCommand(
            "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = @table::regclass AND a.attnum > 0 AND NOT a.attisdropped"))
        {
            command.WithParameter("@table", shape.Table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                types[reader.GetString(0)] = reader.GetString(1);
            }
        }

        shape.Types = shape.Columns.Select(column => types.TryGetValue(column, out var type)
            ? type
            : throw new InvalidOperationException($"Table {shape.Table} has no column {column}.")).ToArray();
    }

    /// <summary>The statements for appending rows of one column list to one table, made once per writer.</summary>
    private sealed class AppendShape
    {
        public AppendShape(string table, IReadOnlyList<(string Column, object? Value)> row)
        {
            Table = table;
            Columns = row.Select(c => c.Column).ToArray();
            Parameters = Columns.Select(c => $"@{c}").ToArray();
            var columns = string.Join(", ", Columns);
            InsertSql = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", Parameters)}) ON CONFLICT DO NOTHING";
            CopySql = $"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)";
        }

        public string Table { get; }

        public string[] Columns { get; }

        public string[] Parameters { get; }

        public string InsertSql { get; }

        public string CopySql { get; }

        /// <summary>PostgreSQL type names of <see cref="Columns"/>, once read.</summary>
        public string[]? Types { get; set; }

        public bool Fits(IReadOnlyList<(string Column, object? Value)> row)
        {
            if (row.Count != Columns.Length)
            {
                return false;
            }

            for (var i = 0; i < Columns.Length; i++)
            {
                if (!ReferenceEquals(row[i].Column, Columns[i]) && row[i].Column != Columns[i])
                {
                    return false;
                }
            }

            return true;
        }
    }

    private DbBatch NewBatch()
    {
        var batch = Transaction.Connection.CreateBatch();
        batch.Transaction = Transaction.Transaction;
        return batch;
    }

    private DbCommand Prepared(string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            command = Transaction.CreateCommand(sql);
            prepared[sql] = command;
        }

        // By position when the statement was made with these parameters in this order (a lookup by name scans the
        // collection, which for a merged insert's hundreds of parameters cost more than the insert).
        var bound = command.Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            var (name, value) = parameters[i];
            if (i < bound.Count && bound[i].ParameterName == name)
            {
                bound[i].Value = value ?? DBNull.Value;
            }
            else if (bound.Contains(name))
            {
                bound[name].Value = value ?? DBNull.Value;
            }
            else
            {
                command.WithParameter(name, value);
            }
        }

        return command;
    }

    /// <summary>
    /// A SQLite statement prepared once per batch and bound by index straight through SQLitePCL. Profiling a rebuild
    /// showed Microsoft.Data.Sqlite's per-execution binding (each parameter's index looked up by name, each text value
    /// copied to a new UTF-8 array) at a third of the rebuild's time and much of its garbage; this binds UTF-16 text in
    /// place. It takes only the types whose storage is unambiguous (text, integers, blobs, reals, NULL), so a row is
    /// stored exactly as Microsoft.Data.Sqlite would store it; a statement with any other value takes the other path.
    /// It runs in the batch's transaction because SQLite's transaction belongs to the connection.
    /// </summary>
    private sealed class RawStatement : IDisposable
    {
        private readonly SQLitePCL.sqlite3 database;
        private readonly SQLitePCL.sqlite3_stmt statement;
        private readonly Dictionary<string, int> indexes = new(StringComparer.Ordinal);
        private readonly int parameterCount;

        public RawStatement(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            database = connection.Handle!;
            Check(SQLitePCL.raw.sqlite3_prepare_v2(database, sql, out statement));
            parameterCount = SQLitePCL.raw.sqlite3_bind_parameter_count(statement);
        }

        public static bool CanBind(IReadOnlyList<(string Name, object? Value)> parameters)
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].Value is not (null or DBNull or string or long or int or short or bool or byte[] or double))
                {
                    return false;
                }
            }

            return true;
        }

        public void Execute(IReadOnlyList<(string Name, object? Value)> parameters)
        {
            // As Microsoft.Data.Sqlite does, a parameter left unbound is an error rather than a silent NULL.
            if (parameters.Count != parameterCount)
            {
                throw new InvalidOperationException($"The statement has {parameterCount} parameters; {parameters.Count} were given.");
            }

            SQLitePCL.raw.sqlite3_reset(statement);
            for (var i = 0; i < parameters.Count; i++)
            {
                var (name, value) = parameters[i];
                var index = Index(name);
                Check(value switch
                {
                    null or DBNull => SQLitePCL.raw.sqlite3_bind_null(statement, index),
                    string text => SQLitePCL.raw.sqlite3_bind_text16(statement, index, text.AsSpan()),
                    long number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
                    int number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
                    short number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
                    bool flag => SQLitePCL.raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
                    byte[] bytes => SQLitePCL.raw.sqlite3_bind_blob(statement, index, bytes),
                    double real => SQLitePCL.raw.sqlite3_bind_double(statement, index, real),
                    _ => throw new InvalidOperationException($"No raw SQLite binding for {value.GetType()}."),
                });
            }

            var result = SQLitePCL.raw.sqlite3_step(statement);
            SQLitePCL.raw.sqlite3_reset(statement);
            if (result is not (SQLitePCL.raw.SQLITE_DONE or SQLitePCL.raw.SQLITE_ROW))
            {
                Check(result);
            }
        }

        public void Dispose() => statement.Dispose();

        private int Index(string name)
        {
            if (!indexes.TryGetValue(name, out var index))
            {
                index = SQLitePCL.raw.sqlite3_bind_parameter_index(statement, name);
                if (index == 0)
                {
                    throw new InvalidOperationException($"The statement has no parameter {name}.");
                }

                indexes[name] = index;
            }

            return index;
        }

        private void Check(int result)
        {
            if (result is not SQLitePCL.raw.SQLITE_OK)
            {
                throw new Microsoft.Data.Sqlite.SqliteException(
                    $"SQLite Error {result}: '{SQLitePCL.raw.sqlite3_errmsg(database).utf8_to_string()}'.", result, SQLitePCL.raw.sqlite3_extended_errcode(database));
            }
        }
    }
}
