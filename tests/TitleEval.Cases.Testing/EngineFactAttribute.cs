using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TitleEval.Cases.Testing;

/// <summary>
/// A fact of the shared contract suite. On a class marked <see cref="RequiresPostgresAttribute"/> it is reported
/// as skipped, with the reason, when no PostgreSQL is configured, so a plain <c>dotnet test</c> passes on a machine
/// without one. The README's test command sets <c>TITLEEVAL_REQUIRE_POSTGRES=1</c>: then nothing is skipped and a
/// missing server fails the tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("TitleEval.Cases.Testing.EngineFactDiscoverer", "TitleEval.Cases.Testing")]
public sealed class EngineFactAttribute : FactAttribute;

[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

public sealed class EngineFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        if (needsPostgres && PostgresServer.SkipReason is { } reason)
        {
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, reason)];
        }

        return [new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)];
    }
}
