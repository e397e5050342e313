using TitleEval.Cases.Api.Projections;

namespace TitleEval.Cases.Api.Applications.Search;

/// <summary>The case-search read model with its search and progress endpoints.</summary>
public static class CaseSearchRegistration
{
    public static WebApplicationBuilder AddCaseSearch(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IProjection, CaseSearchProjection>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCaseSearchApi(this IEndpointRouteBuilder app)
    {
        var applications = app.MapGroup("/api/v1/applications").WithTags("Applications");
        SearchApplications.Map(applications);
        Progress.GetApplicationProgress.Map(applications);
        return app;
    }
}
