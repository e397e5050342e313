using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Spreadsheet;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.EventStore;
using TitleEval.Cases.Api.Tests.Applications;
using static TitleEval.Cases.Api.Tests.Applications.LifecycleScenario;
using static TitleEval.Cases.Api.Tests.ReadModels.ReadModelCases;

namespace TitleEval.Cases.Api.Tests.ReadModels;

public sealed class RosterTests : IAsyncLifetime
{
    /// <summary>附件2's header row, copied from the notice [000 附件2].</summary>
    private static readonly string[] NoticeColumns =
        "序号	单位所属	工作单位	姓名	性别	民族	出生年月	学历	毕业院校及时间	所学专业	现有资格及取得时间	现从事专业	申报资格名称	继续教育	身份证号	联系电话	倾斜政策".Split('\t');

    private const string Query = "/api/v1/rosters?committee=hohhot-engineering-senior&planYear=2026&series=Engineering&level=DeputySenior";

    private readonly CasesFactory factory = new();
    private CaseClient client = null!;
    private long position;

    public async Task InitializeAsync()
    {
        // Given five cases of one committee, year, series and level; one of them is withdrawn.
        client = factory.CaseClient("employer");
        await SubmitAsync(client, 1, "王五", "呼和浩特市第二医院", "City");
        await SubmitAsync(client, 2, "张三", "呼和浩特市第一医院", "Township");
        await SubmitAsync(client, 3, "赵六", "呼和浩特市第一医院", "City");
        await SubmitAsync(client, 4, "李四", "呼和浩特市第二医院", "City");
        var withdrawn = await SubmitAsync(client, 5, "钱七", "呼和浩特市第一医院", "City");
        position = (long)(await Ok(client.CommandAsync(withdrawn, "withdrawal", new { reason = "个人原因" }, as_: "applicant")))["position"]!;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task The_roster_lists_live_cases_sorted_by_affiliation_employer_and_name_numbered_from_one()
    {
        var roster = await JsonAsync();

        var rows = roster["rows"]!.AsArray();
        rows.Select(r => r!["name"]!.GetValue<string>()).Should().Equal("赵六", "李四", "王五", "张三");
        rows.Select(r => r!["number"]!.GetValue<int>()).Should().Equal(1, 2, 3, 4);
        rows.Select(r => r!["affiliation"]!.GetValue<string>()).Should().Equal("盟市", "盟市", "盟市", "乡镇");
    }

    [Fact]
    public async Task The_roster_masks_resident_id_and_phone()
    {
        var text = (await JsonAsync()).ToJsonString();

        text.Should().NotContain(ResidentId(3)).And.NotContain("13800000000");
        (await JsonAsync())["rows"]![0]!["residentIdMasked"]!.GetValue<string>().Should().Be(ResidentId(3)[..6] + "********" + ResidentId(3)[14..]);
    }

    [Fact]
    public async Task The_csv_starts_with_the_utf8_bom_and_reads_back_with_the_notices_columns_in_order()
    {
        var response = await client.Http.GetAsync($"{Query}&format=csv&after={position}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.Should().Be("roster-hohhot-engineering-senior-2026-Engineering-DeputySenior.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Take(3).Should().Equal(0xEF, 0xBB, 0xBF);
        using var csv = new CsvReader(new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true), CultureInfo.InvariantCulture);
        var records = new List<string[]>();
        while (csv.Read())
        {
            records.Add(Enumerable.Range(0, csv.Parser.Count).Select(i => csv.GetField(i)!).ToArray());
        }

        records[0].Should().Equal(NoticeColumns);
        records.Should().HaveCount(5);
        records[1].Should().Equal(FirstRow);
    }

    [Fact]
    public async Task The_xlsx_opens_with_a_roster_sheet_whose_first_rows_are_the_headers_and_the_first_case()
    {
        var response = await client.Http.GetAsync($"{Query}&format=xlsx&after={position}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.FileName.Should().Be("roster-hohhot-engineering-senior-2026-Engineering-DeputySenior.xlsx");
        using var document = SpreadsheetDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), isEditable: false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single();
        sheet.Name!.Value.Should().Be("花名册");
        var rows = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().ToArray();
        string[] Values(Row row) => row.Elements<Cell>().Select(c => c.InlineString!.Text!.Text).ToArray();
        rows.Should().HaveCount(5);
        Values(rows[0]).Should().Equal(NoticeColumns);
        Values(rows[1]).Should().Equal(FirstRow);
        rows[1].Elements<Cell>().Last().CellReference!.Value.Should().Be("Q2");
    }

    [Fact]
    public async Task The_xlsx_validates_against_the_office_schema_with_no_errors()
    {
        var response = await client.Http.GetAsync($"{Query}&format=xlsx&after={position}");

        using var document = SpreadsheetDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), isEditable: false);
        new OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").Should().BeEmpty();
    }

    [Fact]
    public void Cell_text_with_markup_characters_and_edge_spaces_reads_back_unchanged_and_the_file_still_validates()
    {
        // Given a row whose employer and name hold XML markup characters and leading and trailing spaces
        var row = new Rosters.RosterRow(1, Guid.NewGuid(), "Engineering", "DeputySenior", "InReview", "盟市", "<某&\"设计院\">", "  张 三 ", "男", "汉族", "1987/09",
            "大学本科", "内蒙古大学 2009/07", "土木工程", "工程师 2016/12", "结构设计", "工程系列建筑工程专业副高级", "有", "110105********002X", "138****0000", "");

        // When the roster is written as XLSX
        using var document = SpreadsheetDocument.Open(new MemoryStream(Rosters.RosterExport.Xlsx([row])), isEditable: false);

        // Then the sheet validates and the cells hold the exact text
        new OpenXmlValidator().Validate(document).Should().BeEmpty();
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single();
        var cells = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().Last().Elements<Cell>().ToArray();
        cells.Select(c => c.InlineString!.Text!.Text).Should().Equal(Rosters.RosterExport.Columns.Select(c => c.Value(row)));
        cells[2].InlineString!.Text!.Text.Should().Be("<某&\"设计院\">");
        cells[3].InlineString!.Text!.Text.Should().Be("  张 三 ");
    }

    [Fact]
    public async Task Another_level_has_an_empty_roster_and_an_unknown_format_is_refused()
    {
        var other = await client.Http.GetAsync($"/api/v1/rosters?committee=hohhot-engineering-senior&planYear=2026&series=Engineering&level=Intermediate&after={position}");
        (await CaseClient.BodyAsync(other))["rows"]!.AsArray().Should().BeEmpty();

        var refused = await client.Http.GetAsync($"{Query}&format=pdf");
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await CaseClient.BodyAsync(refused))["errors"]!["format"].Should().NotBeNull();
    }

    /// <summary>赵六 of the first hospital, 盟市: every column as the notice fills it in.</summary>
    private static string[] FirstRow =>
    [
        "1", "盟市", "呼和浩特市第一医院", "赵六", "男", "蒙古族", "1949/12", "大学本科", "内蒙古大学 1972/07", "土木工程", "工程师 2018/12", "结构设计",
        "工程系列建筑工程专业副高级", "有", ResidentId(3)[..6] + "********" + ResidentId(3)[14..], "138****0000", "3",
    ];

    [Fact]
    public async Task A_file_exported_before_a_write_is_not_served_again_after_it()
    {
        // Given the CSV and the XLSX exported (and kept for the roster's current state)
        (await CsvAsync(position)).Should().HaveCount(5);
        (await XlsxRowCountAsync(position)).Should().Be(5);

        // When another case of the roster is filed
        await SubmitAsync(client, 6, "孙八", "呼和浩特市第一医院", "City");
        var filed = await factory.Services.GetRequiredService<IEventStore>().ReadHeadPositionAsync();

        // Then both files read after that write list it
        (await CsvAsync(filed)).Should().HaveCount(6).And.Contain(r => r[3] == "孙八");
        (await XlsxRowCountAsync(filed)).Should().Be(6);
    }

    private async Task<List<string[]>> CsvAsync(long after)
    {
        var response = await client.Http.GetAsync($"{Query}&format=csv&after={after}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var csv = new CsvReader(new StreamReader(await response.Content.ReadAsStreamAsync(), detectEncodingFromByteOrderMarks: true), CultureInfo.InvariantCulture);
        var records = new List<string[]>();
        while (csv.Read())
        {
            records.Add(Enumerable.Range(0, csv.Parser.Count).Select(i => csv.GetField(i)!).ToArray());
        }

        return records;
    }

    private async Task<int> XlsxRowCountAsync(long after)
    {
        var response = await client.Http.GetAsync($"{Query}&format=xlsx&after={after}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = SpreadsheetDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), isEditable: false);
        var sheet = document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Single();
        return ((WorksheetPart)document.WorkbookPart.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().Count();
    }

    private async Task<JsonObject> JsonAsync(string extra = "")
    {
        var response = await client.Http.GetAsync($"{Query}&after={position}{extra}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await CaseClient.BodyAsync(response);
    }
}
