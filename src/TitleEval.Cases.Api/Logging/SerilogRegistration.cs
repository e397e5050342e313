using Serilog;
using Serilog.Formatting.Json;
using Serilog.Settings.Configuration;

namespace TitleEval.Cases.Api.Logging;

public static class SerilogRegistration
{
    public const string SectionName = "Serilog";

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
        return builder;
    }
}
