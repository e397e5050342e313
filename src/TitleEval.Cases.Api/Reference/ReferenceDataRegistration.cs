using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Api.Reference;

public static class ReferenceDataRegistration
{
    public const string SectionName = "ReferenceData";
    public const string FolderKey = "Folder";
    public const string DefaultFolderName = "reference-data";

    /// <summary>
    /// Registers <see cref="ReferenceData"/>, <see cref="WorkingDayCalendar"/> and <see cref="SeriesCatalogue"/> as
    /// singletons loaded from the host's final configuration, and a hosted service that loads them when the host starts,
    /// so a broken file stops the service at start with a message naming the file and line. (Loading while services are
    /// registered would read the configuration before the host's last sources, such as a test's or an operator's
    /// override of <c>ReferenceData:Folder</c>, are applied.) The folder is <c>ReferenceData:Folder</c> (relative paths
    /// are taken from the app's directory), by default the <c>reference-data</c> folder beside the app's assembly.
    /// </summary>
    public static IServiceCollection AddReferenceData(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddSingleton(provider => ReferenceDataLoader.Load(ResolveFolder(provider.GetRequiredService<IConfiguration>())));
        services.AddSingleton(provider => provider.GetRequiredService<ReferenceData>().Calendar);
        services.AddSingleton(provider => provider.GetRequiredService<ReferenceData>().Series);
        services.AddHostedService<ReferenceDataStartupCheck>();
        return services;
    }

    public static string ResolveFolder(IConfiguration configuration)
    {
        var configured = configuration.GetSection(SectionName)[FolderKey];
        return string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(AppContext.BaseDirectory, DefaultFolderName)
            : Path.GetFullPath(configured, AppContext.BaseDirectory);
    }
}

/// <summary>Loads the reference data when the host starts: a missing or broken file stops the service before it serves.</summary>
internal sealed class ReferenceDataStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<ReferenceData>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
