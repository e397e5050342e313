using System.Globalization;
using System.Text;
using System.Xml;
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

    /// <summary>
    /// One sheet named 花名册: the header row, then one row per case; cells are inline strings, so 身份证号 keeps its digits.
    /// The package and workbook come from the SDK; the sheet, nearly all of the file, is written straight into its part
    /// with an XmlWriter, row by row, and compressed at the fastest level: building 85,000 cells as an SDK object tree
    /// and compressing them at the default level took over a second for 5,000 rows (RosterExportBenchmark).
    /// </summary>
    public static byte[] Xlsx(IEnumerable<RosterRow> rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            document.CompressionOption = System.IO.Packaging.CompressionOption.SuperFast;
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var worksheet = workbook.AddNewPart<WorksheetPart>();
            using (var part = worksheet.GetStream(FileMode.Create, FileAccess.Write))
            {
                WriteSheet(part, rows);
            }

            var sheets = workbook.Workbook.AppendChild(new Sheets());
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(worksheet), SheetId = 1, Name = SheetName });
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    private const string SpreadsheetMl = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private static readonly string[] ColumnNames = Enumerable.Range(0, Columns.Count).Select(ColumnName).ToArray();

    private static void WriteSheet(Stream part, IEnumerable<RosterRow> rows)
    {
        using var xml = XmlWriter.Create(part, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(standalone: true);
        xml.WriteStartElement("worksheet", SpreadsheetMl);
        xml.WriteStartElement("sheetData", SpreadsheetMl);
        var values = new string[Columns.Count];
        for (var c = 0; c < values.Length; c++)
        {
            values[c] = Columns[c].Header;
        }

        WriteRow(xml, 1, values);
        var index = 1;
        foreach (var row in rows)
        {
            for (var c = 0; c < values.Length; c++)
            {
                values[c] = Columns[c].Value(row);
            }

            WriteRow(xml, ++index, values);
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteRow(XmlWriter xml, int index, string[] values)
    {
        var number = index.ToString(CultureInfo.InvariantCulture);
        xml.WriteStartElement("row", SpreadsheetMl);
        xml.WriteAttributeString("r", number);
        for (var c = 0; c < values.Length; c++)
        {
            xml.WriteStartElement("c", SpreadsheetMl);
            xml.WriteAttributeString("r", ColumnNames[c] + number);
            xml.WriteAttributeString("t", "inlineStr");
            xml.WriteStartElement("is", SpreadsheetMl);
            xml.WriteStartElement("t", SpreadsheetMl);
            xml.WriteAttributeString("xml", "space", null, "preserve");
            xml.WriteString(values[c]);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>A, B, … Z, AA: the 17 columns stay within one letter, but a column beyond Z must not break the sheet.</summary>
    public static string ColumnName(int index) => index < 26 ? ((char)('A' + index)).ToString() : ColumnName((index / 26) - 1) + (char)('A' + (index % 26));
}
