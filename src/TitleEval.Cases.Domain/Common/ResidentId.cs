namespace TitleEval.Cases.Domain;

/// <summary>A mainland resident ID number (公民身份号码) checked by GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character.</summary>
public static class ResidentId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    public static bool IsValid(string? value)
    {
        if (value is not { Length: 18 })
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            sum += (value[i] - '0') * Weights[i];
        }

        if (!DateOnly.TryParseExact(value.AsSpan(6, 8), "yyyyMMdd", out _))
        {
            return false;
        }

        return char.ToUpperInvariant(value[17]) == CheckCharacters[sum % 11];
    }

    /// <summary>Masked for display: first six and last four characters kept (<c>150102********123X</c>) [architecture.md §4].</summary>
    public static string Mask(string value) => value.Length == 18 ? string.Concat(value.AsSpan(0, 6), "********", value.AsSpan(14)) : new string('*', value.Length);
}

/// <summary>Phone numbers are sensitive personal information too [domain.md §5].</summary>
public static class PhoneNumber
{
    /// <summary>Masked for display: first three and last four digits kept (<c>138****0000</c>).</summary>
    public static string Mask(string phone) =>
        phone.Length > 7 ? string.Concat(phone.AsSpan(0, 3), new string('*', phone.Length - 7), phone.AsSpan(phone.Length - 4)) : new string('*', phone.Length);
}
