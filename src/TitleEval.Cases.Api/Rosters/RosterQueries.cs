using System.Data.Common;
using System.Globalization;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.Reference;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Rosters;

/// <summary>One case as the roster read model holds it.</summary>
public sealed record RosterRecord(
    Guid ApplicationId,
    string CommitteeId,
    int PlanYear,
    string Region,
    string Series,
    string Speciality,
    Level Level,
    ApplicationStatus Status,
    ReviewStage? Stage,
    AffiliationLevel Affiliation,
    string EmployerName,
    string Name,
    string Gender,
    string Ethnicity,
    string BirthMonth,
    string Education,
    string Graduated,
    string Major,
    string CurrentTitle,
    string CurrentSpeciality,
    string ContinuingEducation,
    string ResidentIdMasked,
    string PhoneMasked,
    string PreferentialPolicies);

/// <summary>Filters over the roster table; every one is optional.</summary>
public sealed record RosterFilter(string? Committee = null, int? PlanYear = null, string? Series = null, Level? Level = null, string? Region = null);

/// <summary>Reads the roster read model: the roster itself and the statistics both come from here.</summary>
public static class RosterQueries
{
    /// <summary>
    /// The cases a roster lists: every case still in the procedure or through it. A case the applicant withdrew, that
    /// was rejected as ineligible or deemed withdrawn left the procedure and is no longer on the list the bureau posts
    /// [000 附件2]; a case that was reviewed and not passed, disqualified or revoked stays, since it was evaluated.
    /// </summary>
    public static bool Listed(ApplicationStatus status) =>
        status is not (ApplicationStatus.Withdrawn or ApplicationStatus.RejectedIneligible or ApplicationStatus.DeemedWithdrawn);

    public static async Task<IReadOnlyList<RosterRecord>> ReadAsync(IEventStore store, ProjectionTables tables, RosterFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReadModelConnectionAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        var where = new List<string>();
        void Filter(string column, string name, object? value)
        {
            if (value is null)
            {
                return;
            }

            where.Add($"{column} = {name}");
            query.WithParameter(name, value);
        }

        Filter("committee_id", "@committee", filter.Committee);
        Filter("plan_year", "@year", filter.PlanYear);
        Filter("series", "@series", filter.Series);
        Filter("level", "@level", filter.Level?.ToString());
        Filter("region", "@region", filter.Region);
        query.CommandText = $"""
            SELECT application_id, committee_id, plan_year, region, series, speciality, level, status, stage, affiliation, employer_name, name,
                gender, ethnicity, birth_month, education, graduated, major, current_title, current_speciality, continuing_education,
                resident_id_masked, phone_masked, preferential_policies
            FROM {tables[RosterProjection.Table]}{(where.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", where))}
            """;
        var records = new List<RosterRecord>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(Read(reader));
        }

        return records;
    }

    private static RosterRecord Read(DbDataReader r)
    {
        string Text(int i) => r.GetString(i);
        return new RosterRecord(
            Guid.Parse(Text(0)),
            Text(1),
            Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture),
            Text(3),
            Text(4),
            Text(5),
            Enum.Parse<Level>(Text(6)),
            Enum.Parse<ApplicationStatus>(Text(7)),
            r.IsDBNull(8) ? null : Enum.Parse<ReviewStage>(Text(8)),
            Enum.Parse<AffiliationLevel>(Text(9)),
            Text(10), Text(11), Text(12), Text(13), Text(14), Text(15), Text(16), Text(17), Text(18), Text(19), Text(20), Text(21), Text(22), Text(23));
    }
}

/// <summary>How the roster writes dates, levels and titles [000 附件2].</summary>
public static class RosterFormat
{
    /// <summary>The notice's sample rows write months as <c>1987/09</c> (出生年月, 毕业时间, 取得时间) [000 附件2].</summary>
    public static string Month(DateOnly date) => date.ToString("yyyy'/'MM", CultureInfo.InvariantCulture);

    /// <summary>备注1: 单位所属 is 区直, 盟市, 旗县区 or 乡镇 [000 附件2].</summary>
    public static string Affiliation(AffiliationLevel affiliation) => affiliation switch
    {
        AffiliationLevel.Region => "区直",
        AffiliationLevel.City => "盟市",
        AffiliationLevel.County => "旗县区",
        _ => "乡镇",
    };

    public static string Level(Level level) => level switch
    {
        Domain.Level.FullSenior => "正高级",
        Domain.Level.DeputySenior => "副高级",
        Domain.Level.Intermediate => "中级",
        Domain.Level.Assistant => "助理级",
        _ => "员级",
    };

    /// <summary>申报资格名称: series, speciality and level in Chinese, e.g. <c>工程系列建筑工程专业副高级</c>; an unknown series code stays as it is.</summary>
    public static string AppliedTitle(SeriesCatalogue catalogue, string series, string speciality, Level level) =>
        $"{catalogue.Find(series)?.NameZh ?? series}系列{speciality}专业{Level(level)}";
}
