using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Tests.Support;
using TitleEval.Cases.Testing;

namespace TitleEval.Cases.Api.Tests.Applications;

/// <summary>The API on SQLite (or on PostgreSQL when given a connection string), with a clock the test moves and the shipped reference data.</summary>
public sealed class CasesFactory(string? postgresConnectionString = null, string? referenceFolder = null) : ApiFactory
{
    public TestClock Clock { get; } = new(TestClock.NoonCst(new DateOnly(2026, 6, 15)));

    protected override IReadOnlyDictionary<string, string?> Settings
    {
        get
        {
            var settings = postgresConnectionString is null
                ? new Dictionary<string, string?>(base.Settings)
                : new Dictionary<string, string?>(TestTokens.Settings)
                {
                    ["EventStore:Engine"] = "MessageDb",
                    ["EventStore:PostgresConnectionString"] = postgresConnectionString,
                    ["Privacy:ResidentIdHmacKey"] = Convert.ToBase64String(new byte[32]),
                    ["Audit:CheckpointSigningKey"] = TestKeys.AuditSigningKey,
                };
            if (referenceFolder is not null)
            {
                settings["ReferenceData:Folder"] = referenceFolder;
            }

            foreach (var (key, value) in MoreSettings)
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Settings on top of the test defaults (e.g. a small rebuild batch).</summary>
    public IReadOnlyDictionary<string, string?> MoreSettings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Handlers every <see cref="CaseClient"/> sends through (e.g. one that keeps each response), made anew per client.</summary>
    public Func<DelegatingHandler[]>? ClientHandlers { get; init; }

    public CaseClient CaseClient(string role = "applicant") => new(ClientHandlers is null ? CreateClient() : CreateDefaultClient(ClientHandlers()), role);
}

/// <summary>Sends case commands with a token of its role (or of a role the matrix lets call the endpoint) and reads answers as JSON.</summary>
public sealed class CaseClient(HttpClient http, string role)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public HttpClient Http { get; } = http;

    public async Task<HttpResponseMessage> PostAsync(string path, object? body, string? ifMatch = null, string? idempotencyKey = null, string? as_ = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        var sender = TestTokens.RoleFor(HttpMethod.Post, path, StageOwner(path, body) ?? as_ ?? role);
        var claims = TestTokens.Claims(sender);
        if (CaseOf(path) is { } id && units.TryGetValue(id, out var unit) && sender is "employer" or "department")
        {
            // An employer or department acts on its own unit's cases: the token carries the filing's codes.
            claims["org"] = sender == "employer" ? unit.Employer : unit.Department ?? TestTokens.DepartmentCode;
        }

        request.Headers.Authorization = TestTokens.Header(claims);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await Http.SendAsync(request);
        if (path == "/api/v1/applications" && response.IsSuccessStatusCode && body is not null)
        {
            var filing = JsonSerializer.SerializeToNode(body, Json)!;
            var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            units[created["applicationId"]!.GetValue<Guid>()] = (filing["employer"]!["code"]!.GetValue<string>(), filing["employer"]!["department"]?.GetValue<string>());
        }

        return response;
    }

    /// <summary>The employer and department codes of the cases this client filed, so that their tokens put those cases in scope.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (string Employer, string? Department)> units = new();

    private static Guid? CaseOf(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries) is [_, _, "applications", var raw, ..] && Guid.TryParse(raw, out var id) ? id : null;

    /// <summary>In the review chain the stage in the body names who acts (StageOwnership): the helper sends as that role.</summary>
    private static string? StageOwner(string path, object? body) =>
        (path.EndsWith("/reviews", StringComparison.Ordinal) || path.EndsWith("/returns", StringComparison.Ordinal) || path.EndsWith("/rejection", StringComparison.Ordinal))
        && body?.GetType().GetProperty("stage")?.GetValue(body) is string stage && Enum.TryParse<Domain.Applications.ReviewStage>(stage, out var parsed)
            ? TitleEval.Cases.Api.Identity.StageOwnership.RoleOf(parsed)
            : null;

    public Task<HttpResponseMessage> CommandAsync(Guid id, string command, object? body = null, string? ifMatch = null, string? idempotencyKey = null, string? as_ = null) =>
        PostAsync($"/api/v1/applications/{id}/{command}", body ?? new { }, ifMatch, idempotencyKey, as_);

    public async Task<JsonObject> GetAsync(Guid id)
    {
        var response = await Http.GetAsync($"/api/v1/applications/{id}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<JsonObject> BodyAsync(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!;
}

/// <summary>Request bodies of a realistic case: Hohhot 2026, deputy-senior engineering [002].</summary>
public static class Requests
{
    public const string ValidResidentId = "11010519491231002X";

    public const string Phone = "13800000000";

    public const string Name = "张三";

    public static object Submission(Guid? id = null, string residentId = ValidResidentId, string level = "DeputySenior", string series = "Engineering",
        string employmentStatus = "Employed", string committee = "hohhot-engineering-senior", string channel = "Review", string name = Name, string phone = Phone) => new
    {
        applicationId = id,
        planId = "2026-hohhot",
        applicant = new
        {
            name,
            residentId,
            gender = "Male",
            ethnicity = "蒙古族",
            birthDate = "1949-12-31",
            phone,
            education = "大学本科",
            graduatedFrom = "内蒙古大学",
            graduatedOn = "1972-07-01",
            major = "土木工程",
            currentTitle = "工程师",
            currentTitleObtainedOn = "2018-12-01",
            currentSpeciality = "结构设计",
            employmentStatus,
        },
        series,
        speciality = "建筑工程",
        level,
        channel,
        committeeId = committee,
        employer = new { code = "91150100MA0N000000", name = "呼和浩特市某设计院", affiliation = "City", region = "呼和浩特市", department = "11150100MB1234567X" },
        preferentialPolicies = new[] { 3 },
        continuingEducation = "Completed",
        materials = new[] { "学历证书", "任职资格证书", "继续教育证明" },
        integrityPledgeAccepted = true,
    };
}
