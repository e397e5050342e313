using TitleEval.Cases.Api.Certificates;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Statistics;

namespace TitleEval.Cases.Api.Rosters;

/// <summary>The roster, certificate-verification and statistics read models and their endpoints.</summary>
public static class ReadModelsRegistration
{
    public static WebApplicationBuilder AddRostersAndCertificates(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IProjection, RosterProjection>();
        builder.Services.AddSingleton<IProjection, CertificateProjection>();
        builder.Services.Configure<RosterExportOptions>(builder.Configuration.GetSection("Rosters"));
        builder.Services.AddSingleton<RosterExportCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRostersAndCertificatesApi(this IEndpointRouteBuilder app)
    {
        GetRoster.Map(app);
        VerifyCertificate.Map(app);
        GetStatistics.Map(app);
        return app;
    }
}
