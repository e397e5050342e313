using System.Reflection;
using FluentAssertions;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.Domain;

namespace TitleEval.Cases.Api.Tests.Docs;

/// <summary>Every problem type the service can answer is explained on its own page in api-docs/problems/: a new rule without a page fails here.</summary>
public sealed class ProblemPagesTests
{
    [Fact]
    public void Every_problem_type_has_a_page_in_api_docs()
    {
        var folder = Path.Combine(RepositoryRoot(), "api-docs", "problems");

        var missing = AllProblemCodes().Where(code => !File.Exists(Path.Combine(folder, $"{code}.md"))).ToArray();

        missing.Should().BeEmpty("each problem type needs api-docs/problems/<code>.md");
    }

    [Fact]
    public void The_catalogue_finds_the_rule_and_http_problem_codes() =>
        AllProblemCodes().Should().Contain(["duplicate-application", "quorum-not-met", "validation-failed", "precondition-failed", "not-found"]).And.OnlyHaveUniqueItems();

    /// <summary>The codes of every <see cref="DomainErrors"/> factory and every <see cref="ProblemTypes"/> constant.</summary>
    public static IReadOnlyList<string> AllProblemCodes()
    {
        var domain = typeof(DomainErrors).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(DomainError))
            .Select(m => ((DomainError)m.Invoke(null, m.GetParameters().Select(p => Sample(p.ParameterType)).ToArray())!).Code);
        var http = typeof(ProblemTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => ((string)f.GetRawConstantValue()!)["/problems/".Length..]);
        return domain.Concat(http).Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    private static object? Sample(Type type) => type switch
    {
        _ when type == typeof(string) => "x",
        _ when type == typeof(DateOnly) => new DateOnly(2026, 1, 1),
        _ when Nullable.GetUnderlyingType(type) is not null => null,
        _ => Activator.CreateInstance(type),
    };

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TitleEval.Cases.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("TitleEval.Cases.sln not found above the test's folder.");
    }
}
