using TitleEval.Cases.Api.Projections;

namespace TitleEval.Cases.Api.Audit;

/// <summary>The audit-trail read model and the inspectors' audit queries.</summary>
public static class AuditRegistration
{
    public static WebApplicationBuilder AddAuditTrail(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IProjection, AuditTrailProjection>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        GetAuditDecisions.Map(app);
        return app;
    }
}
