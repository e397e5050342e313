using FluentAssertions;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Domain.Tests.Reference;

/// <summary>The plans extracted from the notices, as shipped.</summary>
public sealed class PlanTests
{
    private static Plan Plan(string id) => ShippedReferenceData.Data.FindPlan(id) ?? throw new InvalidOperationException($"no plan {id}");

    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    [Fact]
    public void Hohhot_2026_has_the_windows_of_its_notice()
    {
        // [002 三(二)] 初级 5-11..5-25, 中级 5-26..6-10, 高级 6-11..7-10; [002 三(一)1] review and publicity by 10-30.
        var plan = Plan("2026-hohhot");

        plan.WindowFor(Level.Junior).Should().Be(new LevelWindow(Level.Junior, D(2026, 5, 11), D(2026, 5, 25)));
        plan.WindowFor(Level.Assistant).Should().Be(new LevelWindow(Level.Assistant, D(2026, 5, 11), D(2026, 5, 25)));
        plan.WindowFor(Level.Intermediate).Should().Be(new LevelWindow(Level.Intermediate, D(2026, 5, 26), D(2026, 6, 10)));
        plan.WindowFor(Level.DeputySenior).Should().Be(new LevelWindow(Level.DeputySenior, D(2026, 6, 11), D(2026, 7, 10)));
        plan.WindowFor(Level.FullSenior).Should().Be(new LevelWindow(Level.FullSenior, D(2026, 6, 11), D(2026, 7, 10)));
        plan.ReviewDeadline.Should().Be(D(2026, 10, 30));
        plan.QualificationCutOff.Should().BeNull("[002 三(二)]: the cut-off is each level's own deadline");
        plan.GreenChannel.Should().BeFalse();
    }

    [Fact]
    public void Hohhot_2026_caps_full_senior_school_teachers_at_35()
    {
        // [002 五(九)] 2026年全市正高级教师职称评审总数控制在35人
        var plan = Plan("2026-hohhot");

        plan.QuotaFor("SchoolTeacher", Level.FullSenior).Should().Be(35);
        plan.QuotaFor("SchoolTeacher", Level.DeputySenior).Should().BeNull();
        plan.QuotaFor("Engineering", Level.FullSenior).Should().BeNull();
    }

    [Fact]
    public void Hohhot_2022_takes_senior_and_intermediate_applications_only()
    {
        // [004 二(一)] 社会化高级 6-13..6-24, 市直属单位中级 7-25..7-29; 初级 is appointed by employers [004 四(三)1].
        var plan = Plan("2022-hohhot");

        plan.WindowFor(Level.FullSenior).Should().Be(new LevelWindow(Level.FullSenior, D(2022, 6, 13), D(2022, 6, 24)));
        plan.WindowFor(Level.Intermediate).Should().Be(new LevelWindow(Level.Intermediate, D(2022, 7, 25), D(2022, 7, 29)));
        plan.WindowFor(Level.Assistant).Should().BeNull();
        plan.QualificationCutOff.Should().Be(D(2021, 12, 31));
        plan.ReviewDeadline.Should().Be(D(2022, 9, 30));
        plan.QuotaFor("SchoolTeacher", Level.FullSenior).Should().Be(12);
    }

    [Fact]
    public void The_2022_regional_plan_sets_no_window_of_its_own()
    {
        // [001 二(一)] only "6月30日前完成申报" in principle: windows are set by each city's notice.
        var plan = Plan("2022-inner-mongolia");

        plan.Windows.Should().BeEmpty();
        plan.QualificationCutOff.Should().Be(D(2021, 12, 31));
        plan.ReviewDeadline.Should().Be(D(2022, 9, 30));
        plan.QuotaFor("SchoolTeacher", Level.FullSenior).Should().Be(120);
    }

    [Fact]
    public void Tongliao_2024_windows_are_those_of_city_level_units()
    {
        var plan = Plan("2024-tongliao");

        plan.WindowFor(Level.DeputySenior)!.Closes.Should().Be(D(2024, 6, 12));
        plan.WindowFor(Level.Intermediate).Should().Be(new LevelWindow(Level.Intermediate, D(2024, 7, 1), D(2024, 7, 10)));
        plan.ReviewDeadline.Should().BeNull();
    }

    [Fact]
    public void The_2023_green_channel_has_two_rounds()
    {
        // [003 二(二)] 上半年截止时间为6月20日，下半年截止时间为10月20日
        var first = Plan("2023-green-channel-1");
        var second = Plan("2023-green-channel-2");

        first.GreenChannel.Should().BeTrue();
        second.GreenChannel.Should().BeTrue();
        first.WindowFor(Level.DeputySenior)!.Closes.Should().Be(D(2023, 6, 20));
        second.WindowFor(Level.DeputySenior)!.Closes.Should().Be(D(2023, 10, 20));
        second.WindowFor(Level.DeputySenior)!.Opens.Should().Be(D(2023, 6, 21));
    }

    [Fact]
    public void A_window_includes_both_ends()
    {
        var window = new LevelWindow(Level.Intermediate, D(2026, 5, 26), D(2026, 6, 10));

        window.Contains(D(2026, 5, 26)).Should().BeTrue();
        window.Contains(D(2026, 6, 10)).Should().BeTrue();
        window.Contains(D(2026, 5, 25)).Should().BeFalse();
        window.Contains(D(2026, 6, 11)).Should().BeFalse();
    }

    [Fact]
    public void An_unknown_plan_is_not_found()
    {
        ShippedReferenceData.Data.FindPlan("2099-nowhere").Should().BeNull();
    }
}
