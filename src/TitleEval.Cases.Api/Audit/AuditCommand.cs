using System.Globalization;
using System.Text.Json;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Audit;

/// <summary>
/// <c>audit verify --checkpoint saved.json [--public-key key.pem]</c>: the inspector's offline check of the configured
/// store against a checkpoint they saved (exit 0 OK, 1 tampered or forged, 2 usage). <c>audit checkpoint</c>: sign one now.
/// </summary>
public static class AuditCommand
{
    private const string Usage = "usage: audit verify --checkpoint saved.json [--public-key key.pem]\n       audit checkpoint";

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var services = app.Services;
        var store = services.GetRequiredService<IEventStore>();
        switch (args)
        {
            case ["audit", "checkpoint"]:
            {
                await store.InitializeAsync();
                await services.GetRequiredService<ProjectionHost>().CatchUpAsync(CancellationToken.None);
                var checkpoint = await services.GetRequiredService<AuditTreeService>().SignNowAsync(CancellationToken.None);
                Console.WriteLine(JsonSerializer.Serialize(checkpoint, Json));
                return 0;
            }

            case ["audit", "verify", ..] when Option("--checkpoint") is { } path:
            {
                AuditCheckpoint? checkpoint;
                string publicKey;
                try
                {
                    // From the first brace: a file saved from `dotnet run … audit checkpoint` may start with the SDK's own banner line.
                    var text = await File.ReadAllTextAsync(path);
                    checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(text.AsSpan(Math.Max(0, text.IndexOf('{', StringComparison.Ordinal))), Json);
                    publicKey = Option("--public-key") is { } keyPath
                        ? await File.ReadAllTextAsync(keyPath)
                        : services.GetRequiredService<CheckpointSigner>().PublicKeyPem;
                }
                catch (Exception exception) when (exception is IOException or JsonException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"cannot read the checkpoint or key: {exception.Message}\n{Usage}");
                    return 2;
                }

                if (checkpoint is null || checkpoint.TreeSize < 0 || checkpoint.RootHash is null || checkpoint.Signature is null)
                {
                    await Console.Error.WriteLineAsync($"{path} is not a saved checkpoint (GET /api/v1/audit/checkpoints/latest).\n{Usage}");
                    return 2;
                }

                if (Option("--public-key") is null)
                {
                    Console.WriteLine("note: no --public-key given; using the service's configured key. An inspector passes the key they saved.");
                }

                await store.InitializeAsync();
                var host = services.GetRequiredService<ProjectionHost>();
                var projection = services.GetRequiredService<AuditTreeProjection>();
                string? table = null;
                try
                {
                    table = (await host.ActiveTablesAsync(projection, CancellationToken.None))[AuditTreeProjection.Table];
                }
                catch (Exception exception) when (exception is System.Data.Common.DbException)
                {
                    // No stored tree: the verdict stands without it, only the tampered leaf cannot be named.
                }

                var result = await new AuditVerifier(store, projection.NewEncoder()).VerifyAsync(checkpoint, publicKey, table, CancellationToken.None);
                Console.WriteLine(result.Finding);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"checkpoint: size {result.CheckpointSize}, root {checkpoint.RootHash}, signature {(result.SignatureValid ? "valid" : "INVALID")}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log now:    size {result.LogSize}, root {result.LogRoot}"));
                if (result.FirstBadLeaf is { } leaf)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first bad leaf: {leaf}"));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"verified {result.LogSize} leaves in {result.Seconds:F2} s ({result.LeavesPerSecond:F0} leaves/s, {result.LeavesPerCpuSecond:F0} leaves per CPU-second)"));
                Console.WriteLine(result.Ok ? "OK" : "FAILED");
                return result.Ok ? 0 : 1;
            }

            default:
                await Console.Error.WriteLineAsync(Usage);
                return 2;
        }
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
