using TitleEval.Cases.Api.Projections;

namespace TitleEval.Cases.Api.Integrity;

/// <summary>The integrity blacklist (诚信档案库): its read model, its endpoints and the job that records the end of each three-year period.</summary>
public static class IntegrityRegistration
{
    public static WebApplicationBuilder AddIntegrity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IProjection, IntegrityRecordsProjection>();
        builder.Services.Configure<IntegrityExpiryOptions>(builder.Configuration.GetSection(IntegrityExpiryOptions.SectionName));
        builder.Services.AddSingleton<IntegrityExpiryJob>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<IntegrityExpiryJob>());
        return builder;
    }

    public static IEndpointRouteBuilder MapIntegrityApi(this IEndpointRouteBuilder app)
    {
        var records = app.MapGroup("/api/v1/integrity-records").WithTags("Integrity records");
        IntegrityRecordQueries.Map(records);
        RecordIntegrity.Map(records);
        return app;
    }
}
