namespace TitleEval.Cases.EventStore;

/// <summary>
/// A stream name <c>{category}-{id}</c>, as in Message DB and EventStoreDB's <c>$ce-</c> category streams.
/// The category is everything before the first hyphen; the id may itself contain hyphens (a GUID does).
/// </summary>
public readonly record struct StreamName
{
    public const int MaxLength = 200;

    private StreamName(string value, int separator)
    {
        Value = value;
        this.separator = separator;
    }

    private readonly int separator;

    public string Value { get; }

    public string Category => Value[..separator];

    public string Id => Value[(separator + 1)..];

    public static StreamName For(string category, string id) => Parse($"{category}-{id}");

    public static StreamName Parse(string? value)
    {
        return TryParse(value, out var name, out var error) ? name : throw new InvalidStreamNameException(value, error);
    }

    public static bool TryParse(string? value, out StreamName name, out string error)
    {
        name = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "The stream name is empty.";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"The stream name is longer than {MaxLength} characters.";
            return false;
        }

        var separator = value.IndexOf('-');
        if (separator < 0)
        {
            error = "The stream name has no category: expected '{category}-{id}'.";
            return false;
        }

        if (separator == 0 || !IsCategory(value.AsSpan(0, separator)))
        {
            error = "The category must start with a lower-case letter followed by letters or digits.";
            return false;
        }

        if (separator == value.Length - 1)
        {
            error = "The stream name has no id after the category.";
            return false;
        }

        foreach (var c in value.AsSpan(separator + 1))
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                error = "The stream id must not contain white space or control characters.";
                return false;
            }
        }

        name = new StreamName(value, separator);
        error = string.Empty;
        return true;
    }

    public static bool IsCategory(ReadOnlySpan<char> category)
    {
        if (category.IsEmpty || !char.IsAsciiLetterLower(category[0]))
        {
            return false;
        }

        foreach (var c in category)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>For names read back from the store, which were validated when they were written.</summary>
    internal static StreamName FromStored(string value) => new(value, value.IndexOf('-'));

    public override string ToString() => Value ?? string.Empty;
}
