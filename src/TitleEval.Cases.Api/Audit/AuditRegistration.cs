using Microsoft.Extensions.Options;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Audit;

/// <summary>The audit-trail read model and the inspectors' audit queries; the audit tree, its signed checkpoints and proofs.</summary>
public static class AuditRegistration
{
    public static WebApplicationBuilder AddAuditTrail(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IProjection, AuditTrailProjection>();

        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        builder.Services.AddSingleton<AuditTreeProjection>();
        builder.Services.AddSingleton<IProjection>(services => services.GetRequiredService<AuditTreeProjection>());
        builder.Services.AddSingleton(services => CheckpointSigner.FromOptions(
            services.GetRequiredService<IOptions<AuditOptions>>().Value, services.GetRequiredService<IOptions<EventStoreOptions>>().Value));
        builder.Services.AddSingleton<AuditCheckpointStore>();
        builder.Services.AddSingleton<AuditTreeService>();
        builder.Services.AddHostedService<AuditCheckpointJob>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        GetAuditDecisions.Map(app);
        AuditTreeApi.Map(app);
        return app;
    }
}
