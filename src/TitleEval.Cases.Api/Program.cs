using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Applications.Search;
using TitleEval.Cases.Api.Audit;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.Api.Health;
using TitleEval.Cases.Api.Identity;
using TitleEval.Cases.Api.Integrity;
using TitleEval.Cases.Api.Logging;
using TitleEval.Cases.Api.Mediator;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Api.Plans;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Rosters;
using TitleEval.Cases.Api.Seeding;
using TitleEval.Cases.Api.Store;

var builder = WebApplication.CreateBuilder(args);

builder.AddSerilogLogging();
builder.AddSeedingClock(args);
builder.AddEventStore();
builder.AddMediatR();
builder.AddCases();
builder.AddProjections();
builder.AddCaseSearch();
builder.AddRostersAndCertificates();
builder.AddIntegrity();
builder.AddAuditTrail();
builder.AddProblemResponses();
builder.AddIdentity();
builder.AddApiDocumentation();

var app = builder.Build();

// One-off commands instead of serving: `projections rebuild [name]`, `seed [--applications N]`, `audit verify|checkpoint`, `tokens issue`.
if (args is ["projections", ..])
{
    return await ProjectionsRegistration.RunCommandAsync(app, args);
}

if (args is ["audit", ..])
{
    return await AuditCommand.RunAsync(app, args);
}

if (args is ["tokens", ..])
{
    return LocalTokens.RunCommand(app, args);
}

if (args is ["seed", ..])
{
    return await SeedingCommand.RunAsync(app, args);
}

app.UseRequestLogging();
app.UseProblemResponses();
app.UseApiDocumentation();
app.UseIdentity();

app.MapHealthApi();

// Everything else needs a token and a row in the access matrix (api-docs/roles.md); cases are scoped to the caller.
var api = app.MapProtected();
api.MapApplicationsApi();
api.MapCaseSearchApi();
api.MapPlansApi();
api.MapProjectionsApi();
api.MapRostersAndCertificatesApi();
api.MapIntegrityApi();
api.MapAuditApi();

await app.RunAsync();
return 0;

/// <summary>The host's entry point; public and partial so that tests can start it with WebApplicationFactory.</summary>
public partial class Program
{
}
