using System.Globalization;
using System.Text;
using System.Text.Json;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Benchmarks;

/// <summary>
/// Realistic event bodies: data is a ~300-byte (UTF-8) JSON object with Chinese text, metadata a ~150-byte JSON
/// object. A fixed pool is built up front so generating an event costs a Guid and an array index, identical for
/// our layer and the raw baselines.
/// </summary>
public sealed class Payloads
{
    private static readonly string[] Names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"];
    private static readonly string[] Districts = ["朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区"];
    private static readonly string[] Purposes = ["住宅", "商业", "办公", "工业"];
    private static readonly string[] Notes =
    [
        "申请人已提交产权转移登记材料，待审核",
        "补充提交了身份证明及完税凭证复印件",
        "经办人核对原件无误，转入复审环节",
        "权属调查完成，界址清楚，面积无争议",
    ];

    private readonly string[] data;
    private readonly string[] metadata;

    public Payloads(int count = 256, int seed = 42)
    {
        var random = new Random(seed);
        data = new string[count];
        metadata = new string[count];
        for (var i = 0; i < count; i++)
        {
            data[i] = Data(random, i);
            metadata[i] = Metadata(random, i);
        }
    }

    public static readonly string[] Types =
    [
        "application-submitted.v1",
        "documents-attached.v1",
        "title-search-completed.v1",
        "review-started.v1",
        "review-note-added.v1",
        "fee-assessed.v1",
        "fee-paid.v1",
        "review-approved.v1",
        "certificate-issued.v1",
        "case-closed.v1",
    ];

    public int Count => data.Length;

    public string DataAt(int i) => data[i % data.Length];

    public string MetadataAt(int i) => metadata[i % metadata.Length];

    public static string TypeFor(long version) => Types[(int)(version % Types.Length)];

    public EventData NewEvent(int i) => new(Guid.NewGuid(), Types[i % Types.Length], DataAt(i), MetadataAt(i));

    /// <summary>The <paramref name="count"/> events of append number <paramref name="i"/>.</summary>
    public EventData[] NewBatch(int i, int count)
    {
        var events = new EventData[count];
        for (var k = 0; k < count; k++)
        {
            events[k] = NewEvent(i * count + k);
        }

        return events;
    }

    public double AverageDataBytes => data.Average(s => Encoding.UTF8.GetByteCount(s));

    public double AverageMetadataBytes => metadata.Average(s => Encoding.UTF8.GetByteCount(s));

    private static string Data(Random r, int i)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("caseId", Guid.NewGuid().ToString("D"));
            w.WriteString("titleNumber", string.Create(CultureInfo.InvariantCulture, $"京(2024){Districts[r.Next(Districts.Length)]}不动产权第{r.Next(1000000, 9999999)}号"));
            w.WriteString("applicant", Names[r.Next(Names.Length)]);
            w.WriteString("address", string.Create(CultureInfo.InvariantCulture, $"{Districts[r.Next(Districts.Length)]}建国路{r.Next(1, 200)}号院{r.Next(1, 20)}号楼{r.Next(1, 30)}01室"));
            w.WriteNumber("area", Math.Round(40 + r.NextDouble() * 160, 2));
            w.WriteString("purpose", Purposes[r.Next(Purposes.Length)]);
            w.WriteString("note", Notes[r.Next(Notes.Length)]);
            w.WriteNumber("seq", i);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Metadata(Random r, int i)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("correlationId", Guid.NewGuid().ToString("D"));
            w.WriteString("causationId", Guid.NewGuid().ToString("D"));
            w.WriteString("userId", string.Create(CultureInfo.InvariantCulture, $"clerk-{r.Next(1000):D4}"));
            w.WriteString("source", i % 3 == 0 ? "api" : "import");
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
