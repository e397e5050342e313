using System.Diagnostics;

namespace TitleEval.Cases.Api.Logging;

/// <summary>The one trace id a request shows in its log line and in its problem details, so the two can be matched.</summary>
public static class TraceIds
{
    public static string Of(HttpContext context) =>
        Activity.Current is { } activity ? activity.TraceId.ToHexString() : context.TraceIdentifier;
}
