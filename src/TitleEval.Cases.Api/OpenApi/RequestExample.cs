using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace TitleEval.Cases.Api.OpenApi;

/// <summary>An example request body for the OpenAPI document: a typed instance of the endpoint's own body record, so it cannot drift from the contract.</summary>
public sealed record RequestExample(object Body);

public static class RequestExampleExtensions
{
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, object body) => builder.WithMetadata(new RequestExample(body));
}

/// <summary>Writes each endpoint's <see cref="RequestExample"/> into its request body, serialized as the API reads it.</summary>
public sealed class RequestExampleOperationFilter(IOptions<JsonOptions> json) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var example = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestExample>().LastOrDefault();
        if (example is null || operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        foreach (var media in content.Values)
        {
            media.Example = JsonNode.Parse(JsonSerializer.Serialize(example.Body, example.Body.GetType(), json.Value.SerializerOptions));
        }
    }
}
