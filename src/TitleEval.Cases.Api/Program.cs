using TitleEval.Cases.Api.Applications.Common;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.Api.Health;
using TitleEval.Cases.Api.Integrity;
using TitleEval.Cases.Api.Logging;
using TitleEval.Cases.Api.Mediator;
using TitleEval.Cases.Api.OpenApi;
using TitleEval.Cases.Api.Plans;
using TitleEval.Cases.Api.Projections;
using TitleEval.Cases.Api.Store;

var builder = WebApplication.CreateBuilder(args);

builder.AddSerilogLogging();
builder.AddEventStore();
builder.AddMediatR();
builder.AddCases();
builder.AddProjections();
builder.AddIntegrity();
builder.AddProblemResponses();
builder.AddApiDocumentation();

var app = builder.Build();

// `projections rebuild [name]`: a one-off command instead of serving.
if (args is ["projections", ..])
{
    return await ProjectionsRegistration.RunCommandAsync(app, args);
}


app.UseRequestLogging();
app.UseProblemResponses();
app.UseApiDocumentation();

app.MapHealthApi();
app.MapApplicationsApi();
app.MapPlansApi();
app.MapProjectionsApi();
app.MapIntegrityApi();

await app.RunAsync();
return 0;

/// <summary>The host's entry point; public and partial so that tests can start it with WebApplicationFactory.</summary>
public partial class Program
{
}
