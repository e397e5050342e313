using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TitleEval.Cases.Api.Applications.History;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Domain;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Certificates;

/// <summary>网上核验 [domain.md §7]: anyone holding a certificate number checks whether it is valid or was revoked.</summary>
public static class VerifyCertificate
{
    public sealed record Verification(
        string CertificateNumber, string HolderName, string Title, string Series, string Speciality, Level Level, DateOnly IssuedOn, string Status, DateOnly? RevokedOn);

    public sealed record Query(string Number) : IRequest<Verification?>;

    public sealed class Handler(IEventStore store, ProjectionHost host) : IRequestHandler<Query, Verification?>
    {
        public async Task<Verification?> Handle(Query request, CancellationToken cancellationToken)
        {
            var tables = await host.ActiveTablesAsync(host.Find(new CertificateProjection().Name)!, cancellationToken);
            // A partner's point query: through the store's kept statements (prepared once on SQLite).
            var sql = $"""
                SELECT certificate_number, holder_masked, title, series, speciality, level, issued_on, revoked_on
                FROM {tables[CertificateProjection.Table]} WHERE certificate_number = @number
                """;
            return await store.QueryReadModelAsync(sql, [("@number", request.Number)], ReadAsync, cancellationToken);
        }

        private static async Task<Verification?> ReadAsync(System.Data.Common.DbDataReader reader, CancellationToken cancellationToken)
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            DateOnly? revoked = reader.IsDBNull(7) ? null : DateOnly.ParseExact(reader.GetString(7), "yyyy-MM-dd");
            return new Verification(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), Enum.Parse<Level>(reader.GetString(5)),
                DateOnly.ParseExact(reader.GetString(6), "yyyy-MM-dd"), revoked is null ? "valid" : "revoked", revoked);
        }
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/certificates/{number}", GetAsync)
            .WithTags("Read models")
            .WithName("VerifyCertificate")
            .WithSummary("Verify a certificate (网上核验)")
            .WithDescription(
                "The certificate's masked holder name, title, series, speciality, level and issue date, and its status: valid, or revoked with the revocation date. " +
                "Pass after=<position> to read your own write.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <response code="200">The certificate and whether it is valid.</response>
    /// <response code="404">No certificate has this number.</response>
    /// <response code="503">The read model has not reached the given position in time; retry after the Retry-After seconds.</response>
    private static async Task<Results<Ok<Verification>, ProblemHttpResult>> GetAsync(
        string number, long? after, HttpContext http, IMediator mediator, ProjectionHost host, CancellationToken ct)
    {
        if (await ReadYourWrites.WaitAsync(http, host, host.Find(new CertificateProjection().Name)!, after, ct) is { } behind)
        {
            return behind;
        }

        return await mediator.Send(new Query(number), ct) is { } verification
            ? TypedResults.Ok(verification)
            : TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Type = ProblemTypes.CertificateNotFound,
                Title = "No such certificate",
                Detail = "未查询到该编号的职称证书，请核对证书编号。 / No certificate has this number; check the number on the certificate.",
                Extensions = { ["code"] = "certificate-not-found", ["certificateNumber"] = number },
            });
    }
}
