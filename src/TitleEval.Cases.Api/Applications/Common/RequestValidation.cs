using TitleEval.Cases.Domain;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>A request body that lists every offending field at once (400), before anything is decided or written.</summary>
public interface IValidatedBody
{
    void Validate(FieldErrors errors);
}

/// <summary>Field errors keyed by the JSON path of the field (<c>applicant.residentId</c>).</summary>
public sealed class FieldErrors
{
    public static readonly DateOnly EarliestDate = new(1900, 1, 1);
    public static readonly DateOnly LatestDate = new(2100, 12, 31);

    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    public bool Required<T>(string field, T? value)
    {
        if (value is null || (value is string s && string.IsNullOrWhiteSpace(s)))
        {
            Add(field, "is required");
            return false;
        }

        return true;
    }

    public void Text(string field, string? value, int maxLength, bool required = true)
    {
        if (required && !Required(field, value))
        {
            return;
        }

        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"is longer than {maxLength} characters");
        }
    }

    public void Date(string field, DateOnly? value, bool required = true)
    {
        if (required && !Required(field, value))
        {
            return;
        }

        if (value is { } date && (date < EarliestDate || date > LatestDate))
        {
            Add(field, $"must be between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}");
        }
    }

    public void Range(string field, int? value, int min, int max)
    {
        if (Required(field, value) && (value < min || value > max))
        {
            Add(field, $"must be between {min} and {max}");
        }
    }

    public void ResidentId(string field, string? value)
    {
        if (Required(field, value) && !Domain.ResidentId.IsValid(value))
        {
            Add(field, "is not a valid 18-character resident ID (GB 11643 check digit)");
        }
    }

    public void List(string field, IReadOnlyList<string>? values, int maxItems, int maxLength, bool required = true)
    {
        if (values is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return;
        }

        if (values.Count > maxItems)
        {
            Add(field, $"has more than {maxItems} items");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]) || values[i].Length > maxLength)
            {
                Add($"{field}[{i}]", $"must be 1 to {maxLength} characters");
            }
        }
    }
}
