using FluentAssertions;
using TitleEval.Cases.Domain.Applications;

namespace TitleEval.Cases.Domain.Tests.Applications;

/// <summary>Given events, when a command, then events or a refusal — the decider alone, no I/O.</summary>
public sealed class ApplicationSpec
{
    private readonly List<ApplicationEvent> given = [];
    private ApplicationCommand? when;

    public static ApplicationSpec Given(params ApplicationEvent[] events)
    {
        var spec = new ApplicationSpec();
        spec.given.AddRange(events);
        return spec;
    }

    public ApplicationSpec When(ApplicationCommand command)
    {
        when = command;
        return this;
    }

    public void Then(params ApplicationEvent[] expected)
    {
        var decision = Decide();
        decision.Error.Should().BeNull("the command should be accepted, but was refused: {0}", decision.Error?.DetailEn);
        decision.Events.Should().BeEquivalentTo(expected, o => o.RespectingRuntimeTypes().WithStrictOrdering());
    }

    public DomainError ThenFails(string code)
    {
        var decision = Decide();
        decision.Error.Should().NotBeNull("the command should be refused with {0}", code);
        decision.Error!.Code.Should().Be(code);
        decision.Events.Should().BeEmpty();
        return decision.Error;
    }

    public IReadOnlyList<ApplicationEvent> ThenAccepted()
    {
        var decision = Decide();
        decision.Error.Should().BeNull("the command should be accepted, but was refused: {0}", decision.Error?.DetailEn);
        return decision.Events;
    }

    private Decision<ApplicationEvent> Decide() => ApplicationDecider.Decide(when!, ApplicationDecider.Fold(given));
}
