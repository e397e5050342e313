using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace TitleEval.Cases.Api.Http;

/// <summary>
/// A 503 answer with a JSON body, usable in a typed <c>Results&lt;…&gt;</c> union: unlike <c>TypedResults.Json</c> with a
/// status code, it tells the OpenAPI document that the endpoint answers 503 with a <typeparamref name="TValue"/>.
/// </summary>
public sealed class ServiceUnavailable<TValue>(TValue value)
    : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>
{
    public TValue Value { get; } = value;

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status503ServiceUnavailable;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        return httpContext.Response.WriteAsJsonAsync(Value, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(TValue), ["application/json"]));
}
