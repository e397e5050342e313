using Serilog;
using Serilog.Formatting.Json;
using Serilog.Settings.Configuration;

namespace TitleEval.Cases.Api.Logging;

public static class SerilogRegistration
{
    public const string SectionName = "Serilog";

    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Replaces the default logging providers with one Serilog logger configured from section <c>Serilog</c>. When the
    /// section names no sink, the logger writes JSON lines (one structured event per line) to the console.
    /// </summary>
    public static WebApplicationBuilder AddSerilogLogging(this WebApplicationBuilder builder)
    {
        // Naming the sink assemblies spares Serilog.Settings.Configuration its scan of the dependency context.
        var readerOptions = new ConfigurationReaderOptions(typeof(ConsoleLoggerConfigurationExtensions).Assembly)
        {
            SectionName = SectionName,
        };
        var configuration = new LoggerConfiguration().ReadFrom.Configuration(builder.Configuration, readerOptions);
        if (!builder.Configuration.GetSection($"{SectionName}:WriteTo").Exists())
        {
            configuration.WriteTo.Console(new JsonFormatter(renderMessage: true));
        }

        builder.Logging.ClearProviders().AddSerilog(configuration.CreateLogger(), dispose: true);

        // ASP.NET Core's own "Request starting/finished" lines carry the query string, and some lookups take a resident ID
        // there (?residentId=). RequestLoggingMiddleware writes the one line per request without it, so these stay off at
        // every level short of a warning, whatever the Serilog levels say [architecture.md §4: no personal data in logs].
        // AddSerilog registers a Serilog-specific rule (everything, Serilog decides), which outranks any rule without a
        // provider: hence the same filter for every provider and for Serilog's.
        builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.Warning);
        builder.Logging.AddFilter<Serilog.Extensions.Logging.SerilogLoggerProvider>(HostingDiagnosticsCategory, LogLevel.Warning);
        return builder;
    }
}
