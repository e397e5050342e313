using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TitleEval.Cases.Api.Identity;

namespace TitleEval.Cases.Api.OpenApi;

/// <summary>
/// Every protected operation requires the <c>bearer</c> scheme and names, from <see cref="AccessMatrix"/>, the roles (and
/// partner scope) that may call it, so partner systems read the matrix in the document itself.
/// </summary>
public sealed class BearerSecurityOperationFilter : IOperationFilter
{
    public const string SchemeName = "bearer";

    public static OpenApiSecurityScheme Scheme { get; } = new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "JWT",
        Description = "A JWT of the configured identity provider (or, in Development, of `tokens issue`) with claims sub, role, org and the role's own (region, committee, client_id, scope). See api-docs/roles.md.",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any(a => a.Policy == IdentityRegistration.MatrixPolicy))
        {
            return;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        // The description's path has its route constraints stripped ({id}, not {id:guid}); compare the matrix's likewise.
        static string Bare(string route) => System.Text.RegularExpressions.Regex.Replace(route, @"\{(\w+):[^}]*\}", "{$1}");
        var path = Bare("/" + (context.ApiDescription.RelativePath ?? string.Empty).Split('?')[0].TrimEnd('/'));
        var rule = AccessMatrix.Rules.FirstOrDefault(r => r.Method == context.ApiDescription.HttpMethod && Bare(r.Route) == path);
        if (rule is not null)
        {
            var roles = string.Join(", ", rule.Roles.Select(r => r == Roles.Partner ? $"partner (scope {rule.PartnerScope})" : r));
            operation.Description = $"{operation.Description}\n\nRoles: {roles}.".TrimStart('\n');
        }
    }
}
