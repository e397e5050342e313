using System.Security.Cryptography;
using TitleEval.Cases.Api.Reference;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Applications.Common;

/// <summary>Configuration section <c>Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Privacy";

    /// <summary>Base64 key (≥ 32 bytes) of the HMAC that keys a person's stream by resident ID. Changing it orphans every person stream: set it once.</summary>
    public string? ResidentIdHmacKey { get; set; }
}

public static class CasesRegistration
{
    public static WebApplicationBuilder AddCases(this WebApplicationBuilder builder)
    {
        builder.Services.AddReferenceData();
        builder.Services.AddSingleton<CaseCommandExecutor>();
        builder.Services.AddSingleton<Streams>();
        builder.Services.AddSingleton(provider => new PersonKeys(ResolveHmacKey(
            builder.Configuration.GetSection(PrivacyOptions.SectionName).Get<PrivacyOptions>() ?? new PrivacyOptions(),
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventStoreOptions>>().Value)));
        // Enums travel as their names ("DeputySenior"), never as numbers that would change meaning if a member were inserted.
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<Errors.BadRequestExceptionHandler>();
        builder.Services.Configure<DeadlineJob.CorrectionDeadlineOptions>(builder.Configuration.GetSection(DeadlineJob.CorrectionDeadlineOptions.SectionName));
        builder.Services.AddSingleton<DeadlineJob.CorrectionDeadlineJob>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<DeadlineJob.CorrectionDeadlineJob>());
        return builder;
    }

    public static IEndpointRouteBuilder MapApplicationsApi(this IEndpointRouteBuilder app)
    {
        var applications = app.MapGroup("/api/v1/applications").WithTags("Applications");
        Submit.SubmitApplication.Map(applications);
        GetApplication.GetApplication.Map(applications);
        History.GetCaseHistory.Map(applications);
        PassStage.PassReviewStage.Map(applications);
        OpenPublicity.OpenPublicity.Map(applications);
        ClosePublicity.ClosePublicity.Map(applications);
        LodgeObjection.LodgeObjection.Map(applications);
        ResolveObjection.ResolveObjection.Map(applications);
        ReturnForCorrection.ReturnForCorrection.Map(applications);
        Resubmit.Resubmit.Map(applications);
        RejectIneligible.RejectIneligible.Map(applications);
        Withdraw.WithdrawApplication.Map(applications);
        RecordVote.RecordCommitteeVote.Map(applications);
        Approve.ApproveApplication.Map(applications);
        IssueCertificate.IssueCertificate.Map(applications);
        Disqualify.DisqualifyApplication.Map(applications);
        Revoke.RevokeTitle.Map(applications);
        Unmask.UnmaskPersonalData.Map(applications);
        ReviewView.GetReviewView.Map(applications);
        return app;
    }

    /// <summary>
    /// The configured key; on the embedded default without one, a random key generated once and kept beside the SQLite
    /// file (so the same person keeps the same stream across restarts). PostgreSQL deployments must configure it.
    /// </summary>
    private static byte[] ResolveHmacKey(PrivacyOptions privacy, EventStoreOptions store)
    {
        if (!string.IsNullOrWhiteSpace(privacy.ResidentIdHmacKey))
        {
            var key = Convert.FromBase64String(privacy.ResidentIdHmacKey);
            return key.Length >= 32 ? key : throw new InvalidOperationException("Privacy:ResidentIdHmacKey must be at least 32 bytes (base64).");
        }

        if (store.Engine != EventStoreEngine.Sqlite)
        {
            throw new InvalidOperationException("Privacy:ResidentIdHmacKey is required with the MessageDb engine (base64, at least 32 bytes; e.g. `openssl rand -base64 32`). Every instance must use the same key.");
        }

        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store.SqlitePath))!, "resident-id-hmac.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }
}
