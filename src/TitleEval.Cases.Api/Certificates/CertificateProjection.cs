using System.Globalization;
using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Certificates;

/// <summary>
/// 网上核验 [domain.md §7]: one row per certificate number, valid or revoked. The holder's name and the speciality come
/// from the case's submission, kept in this projection's own <c>certificate_holders</c> table so it never reads another
/// read model. Only the masked name is stored: anyone with a number can verify it.
/// </summary>
public sealed class CertificateProjection : IProjection
{
    public const string Table = "certificates";
    public const string Holders = "certificate_holders";

    public string Name => "certificates";

    public IReadOnlyList<string> Tables { get; } = [Table, Holders];

    public IEnumerable<string> CreateTables(ProjectionTables tables) =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS {tables[Holders]} (
            application_id TEXT PRIMARY KEY,
            holder_masked TEXT NOT NULL,
            speciality TEXT NOT NULL)
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {tables[Table]} (
            certificate_number TEXT PRIMARY KEY,
            application_id TEXT NOT NULL,
            holder_masked TEXT NOT NULL,
            title TEXT NOT NULL,
            series TEXT NOT NULL,
            speciality TEXT NOT NULL,
            level TEXT NOT NULL,
            issued_on TEXT NOT NULL,
            revoked_on TEXT NULL)
        """,
    ];

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionBatch batch, CancellationToken cancellationToken)
    {
        foreach (var e in events.Where(e => e.Stream.Category == "application"))
        {
            var applicationId = Guid.ParseExact(e.Stream.Id, "N").ToString("D");
            var write = batch.Event(e) switch
            {
                ApplicationEvent.Submitted s => batch.ExecuteAsync(
                    $"INSERT INTO {batch.Tables[Holders]} (application_id, holder_masked, speciality) VALUES (@id, @holder, @speciality) ON CONFLICT (application_id) DO NOTHING",
                    cancellationToken,
                    ("@id", applicationId), ("@holder", MaskName(s.Applicant.Name)), ("@speciality", s.Speciality)),
                ApplicationEvent.CertificateIssued c => batch.ExecuteAsync(
                    $"""
                    INSERT INTO {batch.Tables[Table]} (certificate_number, application_id, holder_masked, title, series, speciality, level, issued_on, revoked_on)
                    SELECT @number, application_id, holder_masked, @title, @series, speciality, @level, @on, NULL FROM {batch.Tables[Holders]} WHERE application_id = @id
                    ON CONFLICT (certificate_number) DO NOTHING
                    """,
                    cancellationToken,
                    ("@number", c.CertificateNumber), ("@title", c.Title), ("@series", c.Series), ("@level", c.Level.ToString()), ("@on", Date(c.On)), ("@id", applicationId)),
                ApplicationEvent.RevokedForFraud r => batch.ExecuteAsync(
                    $"UPDATE {batch.Tables[Table]} SET revoked_on = @on WHERE application_id = @id",
                    cancellationToken,
                    ("@on", Date(r.On)), ("@id", applicationId)),
                _ => null,
            };
            if (write is not null)
            {
                await write;
            }
        }
    }

    /// <summary>A public check shows only enough of the name to match the paper: first and last character (张*丰, 欧**明), or the first of two (张*) [domain.md §5].</summary>
    public static string MaskName(string name) => name.Length switch
    {
        <= 1 => "*",
        2 => $"{name[0]}*",
        _ => $"{name[0]}{new string('*', name.Length - 2)}{name[^1]}",
    };

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
