using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace TitleEval.Cases.Api.Tests.Support;

/// <summary>
/// Starts the API in memory on its own SQLite file in a fresh temporary folder (tests never touch ./data), captures
/// everything it logs in <see cref="Logs"/>, and adds the test-only <see cref="ThrowingRoutes"/>. Subclasses change settings.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public ApiFactory()
    {
        Directory.CreateDirectory(TempDirectory);
    }

    public string TempDirectory { get; } = Path.Combine(Path.GetTempPath(), "titleeval-api-tests", Guid.NewGuid().ToString("N"));

    public string SqlitePath => Path.Combine(TempDirectory, "titleeval.db");

    public InMemorySink Logs { get; } = new();

    /// <summary>Captures every level of every category (Trace, Microsoft.* included) instead of Information and app-only warnings.</summary>
    public bool CaptureAllLogs { get; init; }

    /// <summary>Configuration the app sees on top of its appsettings files.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(TestTokens.Settings)
    {
        ["EventStore:Engine"] = "Sqlite",
        ["EventStore:SqlitePath"] = SqlitePath,
    };

    /// <summary>The role of the token every client of <see cref="WebApplicationFactory{T}.CreateClient()"/> sends; null sends none.</summary>
    public string? DefaultRole { get; set; } = TitleEval.Cases.Api.Identity.Roles.System;

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (DefaultRole is not null)
        {
            client.DefaultRequestHeaders.Authorization = TestTokens.Header(DefaultRole);
        }
    }

    /// <summary>A client whose every request carries a token of <paramref name="role"/> (default claims of <see cref="TestTokens.Claims"/>).</summary>
    public HttpClient ClientAs(string role) => ClientWith(TestTokens.Claims(role));

    /// <summary>A client whose every request carries a token with exactly these claims.</summary>
    public HttpClient ClientWith(IReadOnlyDictionary<string, object> claims)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = TestTokens.Header(claims);
        return client;
    }

    /// <summary>A client that sends no token.</summary>
    public HttpClient AnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>(Settings);
        if (CaptureAllLogs)
        {
            // Microsoft.Extensions.Logging's own default stops at Information; lower it so nothing is filtered before the sink.
            settings["Logging:LogLevel:Default"] = "Trace";
        }

        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddTransient<IStartupFilter, ThrowingRoutes>();
            var logger = (CaptureAllLogs
                    ? new LoggerConfiguration().MinimumLevel.Verbose()
                    : new LoggerConfiguration().MinimumLevel.Information().MinimumLevel.Override("Microsoft", LogEventLevel.Warning))
                .WriteTo.Sink(Logs)
                .CreateLogger();
            services.AddLogging(logging => logging.AddSerilog(logger, dispose: true));
        });
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            GC.SuppressFinalize(this);
            try
            {
                Directory.Delete(TempDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a pooled connection; the OS cleans the temp folder.
            }
        }
    }
}
