using System.Text.Json;

namespace TitleEval.Cases.EventStore.Tests;

internal static class TestEvents
{
    public static EventData New(string type = "test-happened.v1", object? data = null) =>
        new(Guid.NewGuid(), type, JsonSerializer.Serialize(data ?? new { n = 1 }), """{"actorId":"tester"}""");

    public static EventData[] Many(int count) => Enumerable.Range(0, count).Select(i => New(data: new { n = i })).ToArray();

    public static StreamName Stream(string category = "case") => StreamName.For(category, Guid.NewGuid().ToString("N"));

    /// <summary>JSON equal by meaning: PostgreSQL's jsonb keeps neither key order nor white space.</summary>
    public static bool SameJson(string a, string b) =>
        JsonElement.DeepEquals(JsonDocument.Parse(a).RootElement, JsonDocument.Parse(b).RootElement);
}
