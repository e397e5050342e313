using System.Globalization;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace TitleEval.Cases.Api.Rosters;

/// <summary>One line of the roster, in the notice's columns [000 附件2]; the resident ID and phone are masked.</summary>
public sealed record RosterRow(
    int Number,
    Guid ApplicationId,
    string Series,
    string Level,
    string Status,
    string Affiliation,
    string EmployerName,
    string Name,
    string Gender,
    string Ethnicity,
    string BirthMonth,
    string Education,
    string GraduatedFromAndWhen,
    string Major,
    string CurrentTitleAndWhen,
    string CurrentSpeciality,
    string AppliedTitle,
    string ContinuingEducation,
    string ResidentIdMasked,
    string PhoneMasked,
    string PreferentialPolicies);

/// <summary>Writes the roster as CSV (UTF-8 with BOM, for Excel) and XLSX, with the notice's column names in its order.</summary>
public static class RosterExport
{
    public const string SheetName = "花名册";

    /// <summary>The columns of 附件2, in order, as the notice names them [000 附件2].</summary>
    public static readonly IReadOnlyList<(string Header, Func<RosterRow, string> Value)> Columns =
    [
        ("序号", r => r.Number.ToString(CultureInfo.InvariantCulture)),
        ("单位所属", r => r.Affiliation),
        ("工作单位", r => r.EmployerName),
        ("姓名", r => r.Name),
        ("性别", r => r.Gender),
        ("民族", r => r.Ethnicity),
        ("出生年月", r => r.BirthMonth),
        ("学历", r => r.Education),
        ("毕业院校及时间", r => r.GraduatedFromAndWhen),
        ("所学专业", r => r.Major),
        ("现有资格及取得时间", r => r.CurrentTitleAndWhen),
        ("现从事专业", r => r.CurrentSpeciality),
        ("申报资格名称", r => r.AppliedTitle),
        ("继续教育", r => r.ContinuingEducation),
        ("身份证号", r => r.ResidentIdMasked),
        ("联系电话", r => r.PhoneMasked),
        ("倾斜政策", r => r.PreferentialPolicies),
    ];

    /// <summary>UTF-8 with a byte-order mark: without it Excel opens the Chinese headers as mojibake.</summary>
    public static byte[] Csv(IReadOnlyList<RosterRow> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture))
        {
            foreach (var (header, _) in Columns)
            {
                csv.WriteField(header);
            }

            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var (_, value) in Columns)
                {
                    csv.WriteField(value(row));
                }

                csv.NextRecord();
            }
        }

        return stream.ToArray();
    }

    /// <summary>One sheet named 花名册: the header row, then one row per case; cells are inline strings, so 身份证号 keeps its digits.</summary>
    public static byte[] Xlsx(IReadOnlyList<RosterRow> rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var worksheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row(1, Columns.Select(c => c.Header)));
            for (var i = 0; i < rows.Count; i++)
            {
                data.Append(Row((uint)i + 2, Columns.Select(c => c.Value(rows[i]))));
            }

            worksheet.Worksheet = new Worksheet(data);
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(worksheet), SheetId = 1, Name = SheetName });
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static Row Row(uint index, IEnumerable<string> values)
    {
        var row = new Row { RowIndex = index };
        var column = 0;
        foreach (var value in values)
        {
            row.Append(new Cell
            {
                CellReference = $"{ColumnName(column++)}{index.ToString(CultureInfo.InvariantCulture)}",
                DataType = CellValues.InlineString,
                InlineString = new InlineString(new Text(value) { Space = SpaceProcessingModeValues.Preserve }),
            });
        }

        return row;
    }

    /// <summary>A, B, … Z, AA: the 17 columns stay within one letter, but a column beyond Z must not break the sheet.</summary>
    public static string ColumnName(int index) => index < 26 ? ((char)('A' + index)).ToString() : ColumnName((index / 26) - 1) + (char)('A' + (index % 26));
}
