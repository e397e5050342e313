using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TitleEval.Cases.Api.Tests.Privacy;

/// <summary>Keeps every response a client receives — status, path and body as a reader would see it (JSON unescaped).</summary>
public sealed class ResponseRecorder
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentQueue<(string Request, int Status, string Body)> responses = new();

    public IReadOnlyList<(string Request, int Status, string Body)> Responses => [.. responses];

    public DelegatingHandler Handler() => new Recording(this);

    /// <summary>
    /// The text a person would read: JSON is re-written without escapes, since the API escapes non-ASCII
    /// (<c>\u5F20</c>) and a search for a Chinese name in the raw body would pass for the wrong reason.
    /// </summary>
    public static string Readably(string body)
    {
        try
        {
            return JsonNode.Parse(body)?.ToJsonString(Readable) ?? body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private sealed class Recording(ResponseRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            recorder.responses.Enqueue(($"{request.Method} {request.RequestUri!.PathAndQuery}", (int)response.StatusCode, Readably(body)));
            return response;
        }
    }
}
