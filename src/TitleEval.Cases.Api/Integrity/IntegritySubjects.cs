using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Domain;

namespace TitleEval.Cases.Api.Integrity;

/// <summary>
/// Whom a record can be about [000 七(一)4: 申报人、评审专家、评审工作人员、用人单位、评委会组建单位]. Persons are keyed by the HMAC
/// person key (the same key as their person stream); units by their organisation code.
/// </summary>
public static class IntegritySubjects
{
    public const string Applicant = "applicant";
    public const string Expert = "expert";
    public const string Staff = "staff";
    public const string Employer = "employer";
    public const string CommitteeFormingBody = "committee-forming-body";

    public static readonly IReadOnlySet<string> PersonKinds = new HashSet<string>(StringComparer.Ordinal) { Applicant, Expert, Staff };

    public static readonly IReadOnlySet<string> UnitKinds = new HashSet<string>(StringComparer.Ordinal) { Employer, CommitteeFormingBody };

    public static void ValidatePersonKey(FieldErrors errors, string field, string? value)
    {
        if (value is not { Length: 32 } || !value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            errors.Add(field, "must be a person key this API returned (32 lowercase hex characters)");
        }
    }

    /// <summary>An organisation code (usually the 18-character unified social credit code): printable ASCII without spaces, never a resident ID.</summary>
    public static void ValidateOrganisationCode(FieldErrors errors, string field, string? value)
    {
        if (value is null || value.Length is < 1 or > 50 || !value.All(c => c is > ' ' and <= '~'))
        {
            errors.Add(field, "must be the unit's organisation code (1 to 50 printable ASCII characters, e.g. the unified social credit code)");
        }
        else if (ResidentId.IsValid(value))
        {
            // A person's ID must never be stored in plain text: one given here would be.
            errors.Add(field, "looks like a resident ID; a person is recorded with residentId and a person kind");
        }
    }

    public static DomainError RecordNotFound() => new(
        "not-found", "No such integrity record",
        "不存在该诚信档案记录；刚刚登记的记录请带上 after=<position> 查询。",
        "No integrity record has this id; to read a record you have just created, pass after=<position>.")
    {
        Kind = ErrorKind.NotFound,
    };
}
