using System.Globalization;
using System.Text;

namespace TitleEval.Cases.Benchmarks;

/// <summary>One line of the results table: our figure beside the raw engine's figure for the same shape of work.</summary>
public sealed record Row(string Engine, string Measurement, string Unit, double Ours, double Raw, string RawDescription, bool Informational = false)
{
    public double RatioPercent => Raw <= 0 ? 0 : Ours / Raw * 100;
}

public sealed class Report
{
    public const double TargetPercent = 80;

    private readonly List<Row> rows = [];
    private readonly List<string> notes = [];
    private readonly List<string> settings = [];

    public void Add(Row row) => rows.Add(row);

    public void Note(string note) => notes.Add(note);

    public void Setting(string setting) => settings.Add(setting);

    public IReadOnlyList<Row> Rows => rows;

    public string Render(IReadOnlyList<string> header)
    {
        var sb = new StringBuilder();
        foreach (var line in header)
        {
            sb.AppendLine(line);
        }

        sb.AppendLine();
        sb.AppendLine("Engine settings:");
        foreach (var s in settings)
        {
            sb.AppendLine($"  - {s}");
        }

        sb.AppendLine();
        sb.AppendLine("| engine | measurement | unit | ours | raw | raw baseline | ours/raw | target 80% |");
        sb.AppendLine("|---|---|---|---:|---:|---|---:|---|");
        foreach (var r in rows)
        {
            var verdict = r.Informational ? "info" : r.RatioPercent >= TargetPercent ? "met" : "MISSED";
            sb.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Engine} | {r.Measurement} | {r.Unit} | {r.Ours:N0} | {r.Raw:N0} | {r.RawDescription} | {r.RatioPercent:F0}% | {verdict} |"));
        }

        if (notes.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Notes:");
            foreach (var n in notes)
            {
                sb.AppendLine($"  - {n}");
            }
        }

        return sb.ToString();
    }
}
