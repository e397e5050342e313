using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Api.Reference;

public static class ReferenceDataRegistration
{
    public const string SectionName = "ReferenceData";
    public const string FolderKey = "Folder";
    public const string DefaultFolderName = "reference-data";

    /// <summary>
    /// Loads the reference data now, at registration, so that a broken file stops the service at start with a message
    /// naming the file and line; registers <see cref="ReferenceData"/>, <see cref="WorkingDayCalendar"/> and
    /// <see cref="SeriesCatalogue"/> as singletons. The folder is <c>ReferenceData:Folder</c> (relative paths are taken
    /// from the app's directory), by default the <c>reference-data</c> folder beside the app's assembly.
    /// </summary>
    /// <exception cref="ReferenceDataException">A file is missing or invalid.</exception>
    public static IServiceCollection AddReferenceData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var data = ReferenceDataLoader.Load(ResolveFolder(configuration));
        services.AddSingleton(data);
        services.AddSingleton(data.Calendar);
        services.AddSingleton(data.Series);
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
