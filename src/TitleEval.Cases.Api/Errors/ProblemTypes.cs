namespace TitleEval.Cases.Api.Errors;

/// <summary>
/// The stable <c>type</c> of every problem-details answer: a relative URI <c>/problems/&lt;code&gt;</c> that never changes
/// once published, so that partner systems can branch on it. api-docs/README.md explains each one.
/// </summary>
public static class ProblemTypes
{
    public const string BadRequest = "/problems/bad-request";
    public const string NotFound = "/problems/not-found";
    public const string MethodNotAllowed = "/problems/method-not-allowed";
    public const string InternalError = "/problems/internal-error";
    public const string ConcurrencyConflict = "/problems/concurrency-conflict";
    public const string InvalidEvent = "/problems/invalid-event";
    public const string EventTooLarge = "/problems/event-too-large";
    public const string EventIdConflict = "/problems/event-id-conflict";
    public const string IdempotencyKeyTaken = "/problems/idempotency-key-taken";
    public const string StoreUnavailable = "/problems/store-unavailable";
    public const string ValidationFailed = "/problems/validation-failed";
    public const string PreconditionFailed = "/problems/precondition-failed";
    public const string IdempotencyKeyReused = "/problems/idempotency-key-reused";
    public const string ProjectionBehind = "/problems/projection-behind";
    public const string CertificateNotFound = "/problems/certificate-not-found";
    public const string AuditCheckpointNotFound = "/problems/audit-checkpoint-not-found";
    public const string AuditLeafNotFound = "/problems/audit-leaf-not-found";
    public const string AuditRangeInvalid = "/problems/audit-range-invalid";
    public const string Unauthenticated = "/problems/unauthenticated";
    public const string Forbidden = "/problems/forbidden";

    /// <summary>A business-rule refusal's type: <c>/problems/{code}</c> of its <see cref="Domain.DomainError"/>.</summary>
    public static string ForDomainError(string code) => Prefix + code;

    private const string Prefix = "/problems/";

    public static bool IsStable(string? type) => type is not null && type.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The type and the what-to-do detail of a status answered without a more specific problem.</summary>
    public static (string Type, string Detail) ForStatus(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => (BadRequest, "The request is malformed. Check it against the API description at /swagger."),
        StatusCodes.Status404NotFound => (NotFound, "No resource exists at this address. Check the path against the API description at /swagger."),
        StatusCodes.Status405MethodNotAllowed => (MethodNotAllowed, "This resource does not accept this HTTP method. The Allow header lists the ones it accepts."),
        StatusCodes.Status500InternalServerError => (InternalError, "An unexpected error occurred on the server. Retry later; if it persists, report the traceId to the operators."),
        _ => ($"{Prefix}http-{statusCode}", $"The request failed with HTTP status {statusCode}."),
    };
}
