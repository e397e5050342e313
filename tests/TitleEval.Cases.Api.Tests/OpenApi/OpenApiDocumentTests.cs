using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using TitleEval.Cases.Api.Tests.Support;

namespace TitleEval.Cases.Api.Tests.OpenApi;

public sealed class OpenApiDocumentTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string DocumentUrl = "/swagger/v1/swagger.json";
    private const string RegenerateCommand = "UPDATE_OPENAPI=1 dotnet test tests/TitleEval.Cases.Api.Tests --filter FullyQualifiedName~OpenApiDocumentTests";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public async Task Given_the_running_app_When_its_document_is_fetched_Then_it_matches_api_docs_openapi_json()
    {
        var response = await factory.CreateClient().GetAsync(DocumentUrl);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var served = Normalise(await response.Content.ReadAsStringAsync());
        var checkedInPath = Path.Combine(RepositoryRoot(), "api-docs", "openapi.json");

        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(checkedInPath, served);
            return;
        }

        File.Exists(checkedInPath).Should().BeTrue($"api-docs/openapi.json is checked in; create it with: {RegenerateCommand}");
        var checkedIn = Normalise(await File.ReadAllTextAsync(checkedInPath));
        served.Should().Be(
            checkedIn,
            $"api-docs/openapi.json must match what the app serves at {DocumentUrl}. If the API change is intended, " +
            $"regenerate the file from the repository root with: {RegenerateCommand} — then review and commit the diff");
    }

    [Fact]
    public async Task Given_any_environment_When_swagger_ui_is_requested_Then_it_is_served()
    {
        var client = factory.CreateClient();

        var index = await client.GetAsync("/swagger/index.html");

        index.StatusCode.Should().Be(HttpStatusCode.OK);
        (await index.Content.ReadAsStringAsync()).Should().Contain("swagger-ui");
    }

    [Fact]
    public async Task Given_the_document_When_it_is_read_Then_both_health_endpoints_list_every_response()
    {
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync(DocumentUrl))!;

        document["info"]!["title"]!.GetValue<string>().Should().Be("TitleEval.Cases API");
        ResponseCodes(document, "/health/live").Should().BeEquivalentTo("200", "500");
        ResponseCodes(document, "/health/ready").Should().BeEquivalentTo("200", "503", "500");
    }

    private static IEnumerable<string> ResponseCodes(JsonNode document, string path) =>
        document["paths"]![path]!["get"]!["responses"]!.AsObject().Select(response => response.Key);

    /// <summary>Parsed and re-serialised with indentation and "\n" line ends, so formatting never counts as drift.</summary>
    private static string Normalise(string json) =>
        JsonNode.Parse(json)!.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    /// <summary>The folder holding TitleEval.Cases.sln, found by walking up from the test's output folder.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TitleEval.Cases.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No TitleEval.Cases.sln above {AppContext.BaseDirectory}.");
    }
}
