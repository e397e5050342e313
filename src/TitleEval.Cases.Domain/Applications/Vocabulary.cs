namespace TitleEval.Cases.Domain.Applications;

/// <summary>The review chain, in order [001 五; 002 三]: 初审 → 复审 → 人社审核 → 评委会办事机构复核.</summary>
public enum ReviewStage
{
    Employer,
    Department,
    Bureau,
    CommitteeOffice,
}

/// <summary>The public notices a case goes through, each ≥ 5 working days [001 五].</summary>
public enum PublicityStage
{
    /// <summary>单位内公示, before the employer recommends.</summary>
    Employer,

    /// <summary>花名册公示 by the HR bureau, before it passes the case on.</summary>
    Roster,

    /// <summary>评审结果公示, before approval.</summary>
    Result,
}

public enum Channel
{
    Review,
    Recognition,
    GreenChannel,
    DirectedGrassroots,
    FarmerHerder,
    Exceptional,
}

public enum EmploymentStatus
{
    Employed,
    CivilServant,
    ManagedAsCivilServant,
    Retired,
}

/// <summary>单位所属: 区直 / 盟市 / 旗县区 / 乡镇.</summary>
public enum AffiliationLevel
{
    Region,
    City,
    County,
    Township,
}

public enum Gender
{
    Male,
    Female,
}

/// <summary>继续教育: 有 / 免.</summary>
public enum ContinuingEducation
{
    Completed,
    Exempt,
}

/// <summary>Who investigates depends on what the objection is about [000 六(二)3].</summary>
public enum ObjectionTopic
{
    ReviewWork,
    MaterialAuthenticity,
}

public enum ObjectionOutcome
{
    Upheld,
    Dismissed,
}

/// <summary>[001 七(三)]</summary>
public enum RevocationGrounds
{
    FalseMaterials,
    Plagiarism,
    OtherImproperMeans,
}

public enum ApplicationStatus
{
    InReview,
    Returned,
    Accepted,
    ReviewPassed,
    Approved,
    CertificateIssued,
    RevokedForFraud,
    NotPassed,
    Disqualified,
    RejectedIneligible,
    Withdrawn,
    DeemedWithdrawn,
}

public sealed record Applicant(
    string Name,
    string ResidentId,
    Gender Gender,
    string Ethnicity,
    DateOnly BirthDate,
    string Phone,
    string Education,
    string GraduatedFrom,
    DateOnly GraduatedOn,
    string Major,
    string? CurrentTitle,
    DateOnly? CurrentTitleObtainedOn,
    string CurrentSpeciality,
    EmploymentStatus EmploymentStatus);

/// <summary>
/// The applicant's unit. <see cref="Department"/> is the code of its competent department (主管部门), which does the second
/// review and sees the unit's cases; filings recorded before it was asked for have none.
/// </summary>
public sealed record Employer(string Code, string Name, AffiliationLevel Affiliation, string Region, string? Department = null);

public sealed record ExamPass(string CertificateNumber, DateOnly PassedOn, DateOnly ValidUntil);

/// <summary>An unexpired integrity record that does not block filing but is shown to every reviewer [domain.md §4 rule 13].</summary>
public sealed record IntegrityFlag(Guid RecordId, string Sanction, DateOnly ExpiresOn);
