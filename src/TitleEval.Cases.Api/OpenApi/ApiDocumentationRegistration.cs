using Microsoft.OpenApi;

namespace TitleEval.Cases.Api.OpenApi;

public static class ApiDocumentationRegistration
{
    public const string DocumentName = "v1";
    public const string Title = "TitleEval.Cases API";
    public const string DocumentPath = $"/swagger/{DocumentName}/swagger.json";

    /// <summary>Swashbuckle builds document <c>v1</c> from the endpoints' metadata and this assembly's XML comments.</summary>
    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = Title,
                Version = DocumentName,
                Description =
                    "Case management for professional-title evaluation. Every error answers RFC 9457 problem details " +
                    "(application/problem+json) whose stable `type` is a relative URI `/problems/<code>`; " +
                    "api-docs/README.md lists the codes.",
            });
            options.IncludeXmlComments(typeof(Program).Assembly);
            options.SupportNonNullableReferenceTypes();
            options.SchemaFilter<ProblemDetailsSchemaFilter>();
            // Feature slices nest their DTOs (SubmitApplication.Body): name a nested schema after its feature so they never clash.
            options.CustomSchemaIds(SchemaId);
            options.OperationFilter<RequestExampleOperationFilter>();
            options.AddSecurityDefinition(BearerSecurityOperationFilter.SchemeName, BearerSecurityOperationFilter.Scheme);
            options.OperationFilter<BearerSecurityOperationFilter>();
        });
        return builder;
    }

    private static string SchemaId(Type type)
    {
        var name = type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}Of{string.Join("And", type.GetGenericArguments().Select(SchemaId))}"
            : type.Name;
        return type.IsNested ? SchemaId(type.DeclaringType!) + name : name;
    }

    /// <summary>The document at <c>/swagger/v1/swagger.json</c> and Swagger UI at <c>/swagger</c>, in every environment: partner systems read them.</summary>
    public static WebApplication UseApiDocumentation(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentPath, $"{Title} {DocumentName}");
            options.DocumentTitle = Title;
        });
        return app;
    }
}
