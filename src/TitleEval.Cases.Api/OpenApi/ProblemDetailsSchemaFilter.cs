using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace TitleEval.Cases.Api.OpenApi;

/// <summary>Documents the problem-details shape every error answers, including the <c>traceId</c> this service adds.</summary>
public sealed class ProblemDetailsSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type != typeof(ProblemDetails) || schema is not OpenApiSchema problem)
        {
            return;
        }

        problem.Description =
            "RFC 9457 problem details. `type` is stable per rule (a relative URI `/problems/<code>`), `title` is for humans, " +
            "`detail` says what to do, `instance` is the request path, `traceId` matches the server's log line for the request.";
        problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
        problem.Properties["traceId"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The W3C trace id of the request; quote it when reporting a problem.",
            Examples = [JsonValue.Create("4bf92f3577b34da6a3ce929d0e0e4736")],
        };
    }
}
