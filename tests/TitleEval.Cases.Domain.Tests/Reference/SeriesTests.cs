using FluentAssertions;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Domain.Tests.Reference;

/// <summary>Evaluation modes of the shipped series, per [001 四(二)].</summary>
public sealed class SeriesTests
{
    private static EvaluationMode? Mode(string series, Level level) =>
        (ShippedReferenceData.Data.Series.Find(series) ?? throw new InvalidOperationException($"no series {series}")).ModeFor(level);

    [Theory]
    // [001 四(二)1] 中、初级 by national or regional exam: 经济、会计、统计、审计、卫生（蒙医、蒙药）、翻译、出版、通信.
    [InlineData("Economics", Level.Intermediate)]
    [InlineData("Economics", Level.Assistant)]
    [InlineData("Accounting", Level.Intermediate)]
    [InlineData("Accounting", Level.Assistant)]
    [InlineData("Statistics", Level.Intermediate)]
    [InlineData("Audit", Level.Intermediate)]
    [InlineData("HealthMongolianMedicine", Level.Intermediate)]
    [InlineData("Translation", Level.Intermediate)]
    [InlineData("Publishing", Level.Assistant)]
    [InlineData("Communications", Level.Intermediate)]
    public void Exam_replaces_review(string series, Level level)
    {
        Mode(series, level).Should().Be(EvaluationMode.ExamReplacesReview);
    }

    [Theory]
    // [001 四(二)2] 高级职称 考评结合: 卫生（蒙医、蒙药）、经济、会计 and the 副高级 of 审计、统计.
    [InlineData("Economics", Level.DeputySenior)]
    [InlineData("Accounting", Level.DeputySenior)]
    [InlineData("Accounting", Level.FullSenior)]
    [InlineData("Statistics", Level.DeputySenior)]
    [InlineData("Audit", Level.DeputySenior)]
    [InlineData("HealthMongolianMedicine", Level.DeputySenior)]
    public void Exam_plus_review(string series, Level level)
    {
        Mode(series, level).Should().Be(EvaluationMode.ExamPlusReview);
    }

    [Theory]
    // Only 副高级 of audit and statistics is exam-based [001 四(二)2]; 正高级经济师 no longer is [000 四(二)2].
    [InlineData("Statistics", Level.FullSenior)]
    [InlineData("Audit", Level.FullSenior)]
    [InlineData("Economics", Level.FullSenior)]
    [InlineData("Engineering", Level.Intermediate)]
    [InlineData("SchoolTeacher", Level.FullSenior)]
    [InlineData("Health", Level.Intermediate)]
    public void Review_only(string series, Level level)
    {
        Mode(series, level).Should().Be(EvaluationMode.Review);
    }

    [Fact]
    public void A_level_the_series_does_not_have_is_not_offered()
    {
        Mode("UniversityTeacher", Level.Junior).Should().BeNull("教授/副教授/讲师/助教 has no 员级");
    }

    [Fact]
    public void Codes_are_found_case_insensitively_and_unknown_codes_are_not()
    {
        var catalogue = ShippedReferenceData.Data.Series;

        catalogue.Find("schoolteacher")!.NameZh.Should().Be("中小学教师");
        catalogue.Find("Astrology").Should().BeNull();
    }

    [Fact]
    public void A_catalogue_refuses_a_code_given_twice()
    {
        var series = new Series("Engineering", "工程", "Engineering", [new SeriesLevel(Level.Intermediate, EvaluationMode.Review)]);

        var act = () => new SeriesCatalogue([series, series with { NameEn = "Engineering again" }]);

        act.Should().Throw<ArgumentException>();
    }
}
