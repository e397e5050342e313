using FluentAssertions;
using TitleEval.Cases.Api.Reference;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Domain.Tests.Reference;

/// <summary>Loading the folder, and every kind of broken file naming its file and line.</summary>
public sealed class ReferenceDataLoaderTests
{
    // A valid plan; the line numbers in the tests below refer to this text.
    private const string Plan = """
        {
          "id": "2027-test",
          "year": 2027,
          "region": "测试市",
          "name": "test",
          "source": "[test]",
          "windows": [
            {
              "level": "Intermediate",
              "opens": "2027-05-26",
              "closes": "2027-06-10"
            }
          ],
          "quotas": [
            { "series": "SchoolTeacher", "level": "FullSenior", "places": 35 }
          ]
        }
        """;

    // A valid calendar; 2027-10-01 is a Friday, 2027-10-09 a Saturday.
    private const string Calendar = """
        {
          "holidays": {
            "2027-10-01": "National Day,国庆节,3"
          },
          "workdays": {
            "2027-10-09": "National Day,国庆节,3"
          }
        }
        """;

    [Fact]
    public void The_shipped_folder_loads()
    {
        var data = ReferenceDataLoader.Load(ShippedReferenceData.Folder);

        data.Plans.Select(p => p.Id).Should().BeEquivalentTo(
            "2022-inner-mongolia", "2022-hohhot", "2024-tongliao", "2026-hohhot", "2023-green-channel-1", "2023-green-channel-2");
        data.Calendar.Years.Should().Equal(2022, 2023, 2024, 2025, 2026);
        data.Series.All.Select(s => s.Code).Should().Contain(
        [
            "Engineering", "Health", "SchoolTeacher", "VocationalTeacher", "UniversityTeacher", "AgricultureAndHusbandry",
            "Economics", "Accounting", "Statistics", "Audit", "UlanMuchir",
        ]);
    }

    [Fact]
    public void The_valid_test_files_load()
    {
        // The broken cases below each change one thing in these files: they must load as written.
        using var folder = new TempReferenceData().Write("plans/2027-test.json", Plan).Write("calendar/2027.json", Calendar);

        var data = ReferenceDataLoader.Load(folder.Folder);

        data.FindPlan("2027-test")!.WindowFor(Level.Intermediate).Should().Be(new LevelWindow(Level.Intermediate, new(2027, 5, 26), new(2027, 6, 10)));
        data.Calendar.Covers(2027).Should().BeTrue("an operator adds next year by dropping in its file");
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        using var folder = new TempReferenceData().Write("plans/2027-test.json", Plan.Replace("\"year\": 2027,", "\"year\": 2027", StringComparison.Ordinal));

        folder.LoadFails().Message.Should().StartWith("reference-data/plans/2027-test.json line 4: malformed JSON");
    }

    [Theory]
    [InlineData("\"level\": \"Intermediate\"", "\"level\": \"Senior\"", "line 9: unknown level 'Senior'")]
    [InlineData("\"closes\": \"2027-06-10\"", "\"closes\": \"2027-05-25\"", "line 11: window closes before it opens")]
    [InlineData("\"opens\": \"2027-05-26\"", "\"opens\": \"2026-05-26\"", "line 10: window opens 2026-05-26, outside the plan year 2027")]
    [InlineData("\"closes\": \"2027-06-10\"", "\"closes\": \"2027-6-10\"", "line 11: 'closes' must be a date")]
    [InlineData("\"places\": 35", "\"places\": 0", "line 15: quota places must be greater than 0")]
    [InlineData("\"places\": 35", "\"places\": -3", "line 15: quota places must be greater than 0")]
    [InlineData("\"series\": \"SchoolTeacher\"", "\"series\": \"Astrology\"", "line 15: unknown series 'Astrology'")]
    [InlineData("\"series\": \"SchoolTeacher\", \"level\": \"FullSenior\"", "\"series\": \"UniversityTeacher\", \"level\": \"Junior\"", "line 15: series UniversityTeacher does not offer level Junior")]
    [InlineData("\"opens\": \"2027-05-26\"", "\"opnes\": \"2027-05-26\"", "line 10: unknown property 'opnes'")]
    [InlineData("\"region\": \"测试市\",", "", "line 1: missing property 'region'")]
    [InlineData("\"source\": \"[test]\",", "\"source\": \"[test]\", \"reviewDeadline\": \"2028-01-10\",", "line 6: review deadline 2028-01-10 is outside the plan year 2027")]
    [InlineData("\"source\": \"[test]\",", "\"source\": \"[test]\", \"reviewDeadline\": \"2027-06-01\",", "line 6: review deadline 2027-06-01 is before the Intermediate window closes")]
    public void A_broken_plan_names_file_and_line(string from, string to, string expected)
    {
        Plan.Should().Contain(from);
        using var folder = new TempReferenceData().Write("plans/2027-test.json", Plan.Replace(from, to, StringComparison.Ordinal));

        folder.LoadFails().Message.Should().StartWith($"reference-data/plans/2027-test.json {expected}");
    }

    [Fact]
    public void A_second_window_for_a_level_names_its_line()
    {
        var plan = Plan.Replace("""
                  "closes": "2027-06-10"
                }
            """, """
                  "closes": "2027-06-10"
                },
                { "level": "Intermediate", "opens": "2027-07-01", "closes": "2027-07-02" }
            """, StringComparison.Ordinal);
        plan.Should().NotBe(Plan);
        using var folder = new TempReferenceData().Write("plans/2027-test.json", plan);

        folder.LoadFails().Message.Should().Be("reference-data/plans/2027-test.json line 13: a second window for Intermediate (first at line 9)");
    }

    [Fact]
    public void A_duplicate_plan_id_names_both_files()
    {
        using var folder = new TempReferenceData()
            .Write("plans/2027-test.json", Plan)
            .Write("plans/2027-zz-copy.json", Plan);

        folder.LoadFails().Message.Should().Be(
            "reference-data/plans/2027-zz-copy.json line 2: plan id '2027-test' is already used by reference-data/plans/2027-test.json line 2");
    }

    [Theory]
    [InlineData("\"2027-10-01\": \"National", "\"2028-10-01\": \"National", "line 3: holiday 2028-10-01 is outside the file's year 2027")]
    [InlineData("\"2027-10-09\": \"National", "\"2026-10-09\": \"National", "line 6: make-up working day 2026-10-09 is outside the file's year 2027")]
    [InlineData("\"2027-10-01\": \"National", "\"2027-10-09\": \"National", "line 6: 2027-10-09 is both a holiday and a make-up working day")]
    [InlineData("\"2027-10-09\": \"National", "\"2027-10-11\": \"National", "line 6: make-up working day 2027-10-11 is a Monday")]
    [InlineData("\"2027-10-01\": \"National", "\"2027-02-30\": \"National", "line 3: '2027-02-30' is not a date")]
    [InlineData("\"workdays\"", "\"workday\"", "line 5: unknown property 'workday'")]
    public void A_broken_calendar_names_file_and_line(string from, string to, string expected)
    {
        Calendar.Should().Contain(from);
        using var folder = new TempReferenceData().Write("calendar/2027.json", Calendar.Replace(from, to, StringComparison.Ordinal));

        folder.LoadFails().Message.Should().StartWith($"reference-data/calendar/2027.json {expected}");
    }

    [Fact]
    public void A_calendar_file_is_named_after_its_year()
    {
        using var folder = new TempReferenceData().Write("calendar/next-year.json", Calendar);

        folder.LoadFails().Message.Should().StartWith("reference-data/calendar/next-year.json line 1: a calendar file is named after the year it covers");
    }

    [Fact]
    public void A_broken_series_file_names_the_line()
    {
        using var folder = new TempReferenceData();
        var path = Path.Combine(folder.Folder, "series.json");
        var lines = File.ReadAllLines(path);
        var index = Array.FindIndex(lines, l => l.Contains("\"Intermediate\": \"ExamReplacesReview\"", StringComparison.Ordinal));
        lines[index] = lines[index].Replace("ExamReplacesReview", "ExamOnly", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);

        folder.LoadFails().Message.Should().Be($"reference-data/series.json line {index + 1}: unknown evaluation mode 'ExamOnly' (expected Review, ExamPlusReview, ExamReplacesReview)");
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        using var folder = new TempReferenceData()
            .Write("plans/2027-test.json", Plan.Replace("\"places\": 35", "\"places\": 0", StringComparison.Ordinal))
            .Write("calendar/2027.json", Calendar.Replace("2027-10-09", "2027-10-11", StringComparison.Ordinal));

        folder.LoadFails().Errors.Should().Equal(
            "reference-data/calendar/2027.json line 6: make-up working day 2027-10-11 is a Monday; make-up working days fall on weekends",
            "reference-data/plans/2027-test.json line 15: quota places must be greater than 0 (is 0)");
    }

    [Fact]
    public void A_file_not_saved_as_UTF8_names_the_file()
    {
        // An operator's editor may save in GBK: "测试市" is then not valid UTF-8.
        using var folder = new TempReferenceData();
        var gbk = Plan.Replace("测试市", "\u0000", StringComparison.Ordinal);
        var bytes = System.Text.Encoding.UTF8.GetBytes(gbk);
        var marker = Array.IndexOf(bytes, (byte)0);
        bytes[marker] = 0xB2; // the first byte of 测 in GBK, invalid as UTF-8 here
        File.WriteAllBytes(Path.Combine(folder.Folder, "plans", "2027-test.json"), bytes);

        folder.LoadFails().Message.Should().StartWith("reference-data/plans/2027-test.json line 4: malformed JSON");
    }

    [Fact]
    public void An_empty_file_names_the_file()
    {
        using var folder = new TempReferenceData().Write("plans/2027-test.json", string.Empty);

        folder.LoadFails().Message.Should().StartWith("reference-data/plans/2027-test.json line 1: malformed JSON");
    }

    [Fact]
    public void A_missing_folder_is_reported()
    {
        var act = () => ReferenceDataLoader.Load(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}"));

        act.Should().Throw<ReferenceDataException>().WithMessage("*the reference-data folder does not exist*");
    }
}
