using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Store;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.EventStore.Audit;

namespace TitleEval.Cases.Api.Audit;

/// <summary>Configuration section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>The ECDSA P-256 private key that signs checkpoints: PEM, or base64 PKCS#8. Required with PostgreSQL; on SQLite generated once into <c>audit-signing.key</c> beside the database.</summary>
    public string? CheckpointSigningKey { get; set; }

    /// <summary>A checkpoint is signed once this many events have been added since the last one…</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>…or once this much time has passed and the log has grown.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Stops the host when section <c>Audit</c> is wrong, naming the fix.</summary>
public sealed class AuditOptionsValidator(IOptions<EventStoreOptions> store) : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var failures = new List<string>();
        if (store.Value.Engine == EventStoreEngine.MessageDb && string.IsNullOrWhiteSpace(options.CheckpointSigningKey))
        {
            failures.Add("Audit:CheckpointSigningKey is required with the MessageDb engine: an ECDSA P-256 private key, PEM or base64 PKCS#8 " +
                "(e.g. `openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt`). Every instance must use the same key.");
        }
        else if (!string.IsNullOrWhiteSpace(options.CheckpointSigningKey) && CheckpointSigner.TryLoad(options.CheckpointSigningKey) is null)
        {
            failures.Add("Audit:CheckpointSigningKey is not an ECDSA P-256 private key (PEM or base64 PKCS#8).");
        }

        if (options.CheckpointEvery < 1)
        {
            failures.Add("Audit:CheckpointEvery must be 1 or more events.");
        }

        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            failures.Add("Audit:CheckpointInterval must be a positive time span (e.g. 00:05:00).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// A signed statement that the log's first <see cref="TreeSize"/> events have Merkle root <see cref="RootHash"/>.
/// The signature (ECDSA P-256 over SHA-256, DER, base64) covers exactly <see cref="SignedText"/>, so
/// <c>openssl dgst -sha256 -verify</c> checks it without this service.
/// </summary>
public sealed record AuditCheckpoint(long TreeSize, string RootHash, DateTimeOffset SignedAt, string Signature)
{
    public const string Header = "titleeval-cases audit checkpoint v1";

    public string SignedText => Text(TreeSize, RootHash, SignedAt);

    public static string Text(long treeSize, string rootHash, DateTimeOffset signedAt) =>
        $"{Header}\n{treeSize.ToString(CultureInfo.InvariantCulture)}\n{rootHash}\n{Time(signedAt)}\n";

    /// <summary>UTC to the second, <c>2026-06-15T04:00:00Z</c>.</summary>
    public static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The checkpoint signing key: signs checkpoints and publishes its public half.</summary>
public sealed class CheckpointSigner : IDisposable
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private readonly ECDsa key;

    public CheckpointSigner(ECDsa key)
    {
        this.key = key;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem() + "\n";
    }

    public string PublicKeyPem { get; }

    public static CheckpointSigner FromOptions(AuditOptions audit, EventStoreOptions store)
    {
        if (!string.IsNullOrWhiteSpace(audit.CheckpointSigningKey))
        {
            return new CheckpointSigner(TryLoad(audit.CheckpointSigningKey) ?? throw new InvalidOperationException("Audit:CheckpointSigningKey is not an ECDSA P-256 private key."));
        }

        if (store.Engine != EventStoreEngine.Sqlite)
        {
            throw new InvalidOperationException("Audit:CheckpointSigningKey is required with the MessageDb engine.");
        }

        // The embedded default: one key generated beside the SQLite file and kept, so checkpoints stay verifiable across restarts.
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store.SqlitePath))!, "audit-signing.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(path, fresh.ExportPkcs8PrivateKeyPem() + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return new CheckpointSigner(TryLoad(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is not an ECDSA P-256 private key."));
    }

    public static ECDsa? TryLoad(string text)
    {
        var key = ECDsa.Create();
        try
        {
            var trimmed = text.Trim();
            if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
            {
                key.ImportFromPem(trimmed);
            }
            else
            {
                key.ImportPkcs8PrivateKey(Convert.FromBase64String(trimmed), out _);
            }

            if (key.ExportParameters(false).Curve.Oid?.Value == P256Oid)
            {
                return key;
            }
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
        }

        key.Dispose();
        return null;
    }

    public AuditCheckpoint Sign(long treeSize, byte[] root, DateTimeOffset now)
    {
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var rootHash = Convert.ToHexStringLower(root);
        var signature = key.SignData(Encoding.UTF8.GetBytes(AuditCheckpoint.Text(treeSize, rootHash, signedAt)), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new AuditCheckpoint(treeSize, rootHash, signedAt, Convert.ToBase64String(signature));
    }

    /// <summary>True when <paramref name="checkpoint"/>'s signature is valid under the public key <paramref name="publicKeyPem"/>.</summary>
    public static bool Verify(AuditCheckpoint checkpoint, string publicKeyPem)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(publicKeyPem);
            return key.VerifyData(Encoding.UTF8.GetBytes(checkpoint.SignedText), Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    public void Dispose() => key.Dispose();
}

/// <summary>
/// The <c>audit_checkpoints</c> table. It is not a projection's table: a rebuild of the tree never drops signed
/// history, and a checkpoint, once signed, is never changed.
/// </summary>
public sealed class AuditCheckpointStore(IEventStore store)
{
    private string Table => store.Table("audit_checkpoints");

    public async Task EnsureAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE IF NOT EXISTS {Table} (tree_size BIGINT PRIMARY KEY, root_hash TEXT NOT NULL, signed_at TEXT NOT NULL, signature TEXT NOT NULL)";
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException exception) when (exception.SqlState is "23505" or "42P07")
        {
            // PostgreSQL: two sessions creating the same table at once (the checkpoint job and a signing request on a
            // new database) can both pass IF NOT EXISTS, and the second fails on the catalog's unique index. The table
            // exists either way. (The likely cause of one 500 from POST /api/v1/audit/checkpoints in a CI run; not reproduced.)
        }
    }

    /// <summary>Stores <paramref name="checkpoint"/> unless one of its size exists already; returns the stored one.</summary>
    public async Task<AuditCheckpoint> AddAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        await EnsureAsync(connection, cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"INSERT INTO {Table} (tree_size, root_hash, signed_at, signature) VALUES (@size, @root, @at, @signature) ON CONFLICT (tree_size) DO NOTHING";
            insert.WithParameter("@size", checkpoint.TreeSize);
            insert.WithParameter("@root", checkpoint.RootHash);
            insert.WithParameter("@at", AuditCheckpoint.Time(checkpoint.SignedAt));
            insert.WithParameter("@signature", checkpoint.Signature);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return (await QueryAsync(connection, "WHERE tree_size = @size", 1, cancellationToken, ("@size", checkpoint.TreeSize)))[0];
    }

    public async Task<AuditCheckpoint?> LatestAsync(CancellationToken cancellationToken) =>
        (await ListAsync(long.MaxValue, 1, cancellationToken)).FirstOrDefault();

    public async Task<AuditCheckpoint?> FindAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        await EnsureAsync(connection, cancellationToken);
        return (await QueryAsync(connection, "WHERE tree_size = @size", 1, cancellationToken, ("@size", treeSize))).FirstOrDefault();
    }

    /// <summary>Newest first, those with a tree size below <paramref name="beforeTreeSize"/>.</summary>
    public async Task<IReadOnlyList<AuditCheckpoint>> ListAsync(long beforeTreeSize, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        await EnsureAsync(connection, cancellationToken);
        return await QueryAsync(connection, "WHERE tree_size < @before", limit, cancellationToken, ("@before", beforeTreeSize));
    }

    private async Task<List<AuditCheckpoint>> QueryAsync(DbConnection connection, string where, int limit, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT tree_size, root_hash, signed_at, signature FROM {Table} {where} ORDER BY tree_size DESC LIMIT {limit.ToString(CultureInfo.InvariantCulture)}";
        foreach (var (name, value) in parameters)
        {
            command.WithParameter(name, value);
        }

        var result = new List<AuditCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new AuditCheckpoint(
                reader.GetInt64(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), reader.GetString(3)));
        }

        return result;
    }
}

/// <summary>The audit tree as the service serves it: the active generation of the <c>audit-tree</c> projection, and signing checkpoints of it.</summary>
public sealed class AuditTreeService(IEventStore store, ProjectionHost host, CheckpointSigner signer, AuditCheckpointStore checkpoints, TimeProvider time)
{
    public async Task<ProjectionTables> TablesAsync(CancellationToken cancellationToken) =>
        await host.ActiveTablesAsync(host.Find(AuditTreeProjection.ProjectionName)!, cancellationToken);

    public async Task<long> SizeAsync(CancellationToken cancellationToken)
    {
        var tables = await TablesAsync(cancellationToken);
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        return await AuditTreeReader.ReadSizeAsync(connection, null, tables, cancellationToken);
    }

    /// <summary>Runs <paramref name="computation"/> over the stored tree when it has at least <paramref name="needed"/> leaves; null otherwise.</summary>
    public async Task<(long Size, T Result)?> ComputeAsync<T>(long needed, Func<MerkleNodeSource, T> computation, CancellationToken cancellationToken)
    {
        var tables = await TablesAsync(cancellationToken);
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        var size = await AuditTreeReader.ReadSizeAsync(connection, null, tables, cancellationToken);
        return size < needed ? null : (size, await AuditTreeReader.ComputeAsync(connection, tables, computation, cancellationToken));
    }

    /// <summary>Signs the tree as it stands (unless the latest checkpoint already covers its size) and stores the checkpoint.</summary>
    public async Task<AuditCheckpoint> SignNowAsync(CancellationToken cancellationToken)
    {
        var tables = await TablesAsync(cancellationToken);
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        var size = await AuditTreeReader.ReadSizeAsync(connection, null, tables, cancellationToken);
        if (await checkpoints.FindAsync(size, cancellationToken) is { } existing)
        {
            return existing;
        }

        var root = await AuditTreeReader.ComputeAsync(connection, tables, nodes => MerkleTree.Root(nodes, size), cancellationToken);
        return await checkpoints.AddAsync(signer.Sign(size, root, time.GetUtcNow()), cancellationToken);
    }
}

/// <summary>Signs a checkpoint every <see cref="AuditOptions.CheckpointEvery"/> events or <see cref="AuditOptions.CheckpointInterval"/>, whichever comes first.</summary>
public sealed partial class AuditCheckpointJob(
    IServiceProvider services, EventStoreStatus storeStatus, IOptions<AuditOptions> options, ILogger<AuditCheckpointJob> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long signedSize = -1;
        var signedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Poll, TimeProvider.System, stoppingToken);
                if (!storeStatus.IsInitialized)
                {
                    continue;
                }

                var tree = services.GetRequiredService<AuditTreeService>();
                if (signedSize < 0)
                {
                    signedSize = (await services.GetRequiredService<AuditCheckpointStore>().LatestAsync(stoppingToken))?.TreeSize ?? 0;
                }

                var size = await tree.SizeAsync(stoppingToken);
                var due = size - signedSize >= options.Value.CheckpointEvery
                    || (size > signedSize && System.Diagnostics.Stopwatch.GetElapsedTime(signedAt) >= options.Value.CheckpointInterval);
                if (due)
                {
                    var checkpoint = await tree.SignNowAsync(stoppingToken);
                    signedSize = checkpoint.TreeSize;
                    signedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                    LogSigned(checkpoint.TreeSize, checkpoint.RootHash);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFailed(exception);
            }
        }
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Audit checkpoint signed: tree size {TreeSize}, root {RootHash}")]
    private partial void LogSigned(long treeSize, string rootHash);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Signing an audit checkpoint failed; it is tried again shortly")]
    private partial void LogFailed(Exception exception);
}
