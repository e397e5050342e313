namespace TitleEval.Cases.Domain;

/// <summary>
/// A business-rule refusal: a value, never an exception. <see cref="Code"/> is stable (it becomes the problem type
/// <c>/problems/{code}</c>); the details tell the caller what to do, in Chinese and English.
/// </summary>
public sealed record DomainError(string Code, string Title, string DetailZh, string DetailEn)
{
    /// <summary>The HTTP family of the refusal: a conflict with the case's state (409) or a request the rules forbid (422).</summary>
    public ErrorKind Kind { get; init; } = ErrorKind.RuleViolated;

    public string Detail => $"{DetailZh} / {DetailEn}";
}

public enum ErrorKind
{
    /// <summary>The request is well-formed but a rule forbids it (422).</summary>
    RuleViolated,

    /// <summary>The case is not in a state that allows the command (409).</summary>
    WrongState,

    /// <summary>The case does not exist (404).</summary>
    NotFound,
}

/// <summary>Either events to append or a refusal.</summary>
public readonly record struct Decision<TEvent>
{
    private Decision(IReadOnlyList<TEvent> events, DomainError? error)
    {
        Events = events;
        Error = error;
    }

    public IReadOnlyList<TEvent> Events { get; }

    public DomainError? Error { get; }

    public bool IsRefused => Error is not null;

    public static Decision<TEvent> Accept(params TEvent[] events) => new(events, null);

    public static Decision<TEvent> Refuse(DomainError error) => new([], error);

    public static implicit operator Decision<TEvent>(DomainError error) => Refuse(error);
}
