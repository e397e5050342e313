using FluentAssertions;
using TitleEval.Cases.Domain.Applications;
using TitleEval.Cases.Domain.Privacy;

namespace TitleEval.Cases.Domain.Tests.Privacy;

/// <summary>Given the case's events, when someone asks for a full value, then a disclosure or a refusal.</summary>
public sealed class DisclosureTests
{
    private static readonly DateOnly Today = new(2026, 6, 20);

    [Fact]
    public void A_disclosure_of_a_filed_case_records_the_field_the_case_and_the_trimmed_reason()
    {
        var filed = Fixtures.Submitted;
        var state = ApplicationDecider.Fold([filed]);

        var decision = DisclosureDecider.Decide(new DisclosePersonalData(filed.ApplicationId, PersonalDataField.Phone, "  联系申报人 ", Today), state);

        decision.Error.Should().BeNull();
        decision.Events.Should().Equal(new PersonalDataDisclosed(filed.ApplicationId, PersonalDataField.Phone, "联系申报人", Today));
        DisclosureDecider.ValueOf(PersonalDataField.Phone, filed).Should().Be(filed.Applicant.Phone);
        DisclosureDecider.ValueOf(PersonalDataField.ResidentId, filed).Should().Be(filed.Applicant.ResidentId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_disclosure_without_a_reason_is_refused(string reason)
    {
        var filed = Fixtures.Submitted;

        var decision = DisclosureDecider.Decide(new DisclosePersonalData(filed.ApplicationId, PersonalDataField.ResidentId, reason, Today), ApplicationDecider.Fold([filed]));

        decision.Error!.Code.Should().Be("disclosure-reason-required");
        decision.Events.Should().BeEmpty();
    }

    [Fact]
    public void A_case_never_filed_discloses_nothing()
    {
        var decision = DisclosureDecider.Decide(new DisclosePersonalData(Guid.NewGuid(), PersonalDataField.ResidentId, "核实", Today), ApplicationDecider.Fold([]));

        decision.Error!.Code.Should().Be("application-not-found");
        decision.Events.Should().BeEmpty();
    }
}
