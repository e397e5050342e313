using System.Globalization;
using System.Text.Json;
using TitleEval.Cases.Domain;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Api.Reference;

/// <summary>
/// Reads the reference-data folder (README.md there describes it): <c>series.json</c>, <c>calendar/YYYY.json</c> and
/// <c>plans/*.json</c>. Every problem is collected, each naming its file and line, and reported together in one
/// <see cref="ReferenceDataException"/>, so an operator fixes a broken folder in one pass.
/// </summary>
public static class ReferenceDataLoader
{
    public const string SeriesFileName = "series.json";
    public const string CalendarFolderName = "calendar";
    public const string PlansFolderName = "plans";

    private static readonly string[] LevelNames = Enum.GetNames<Level>();
    private static readonly string[] ModeNames = Enum.GetNames<EvaluationMode>();
    private static readonly string[] SeriesFileProperties = ["series"];
    private static readonly string[] SeriesProperties = ["code", "nameZh", "nameEn", "levels"];
    private static readonly string[] CalendarProperties = ["holidays", "workdays", "inLieuDays"];
    private static readonly string[] PlanProperties =
        ["id", "year", "region", "name", "source", "greenChannel", "windows", "qualificationCutOff", "reviewDeadline", "quotas"];
    private static readonly string[] WindowProperties = ["level", "opens", "closes"];
    private static readonly string[] QuotaProperties = ["series", "level", "places"];

    public static ReferenceData Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new ReferenceDataException([$"{root}: the reference-data folder does not exist"]);
        }

        var folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(root));
        var errors = new List<string>();
        var series = LoadSeries(root, folderName, errors);
        var years = LoadCalendar(root, folderName, errors);
        var plans = LoadPlans(root, folderName, series, errors);
        if (errors.Count > 0)
        {
            throw new ReferenceDataException(errors);
        }

        return new ReferenceData(plans, new WorkingDayCalendar(years), new SeriesCatalogue(series.Values));
    }

    private static Dictionary<string, Series> LoadSeries(string root, string folderName, List<string> errors)
    {
        var byCode = new Dictionary<string, Series>(StringComparer.OrdinalIgnoreCase);
        var path = Path.Combine(root, SeriesFileName);
        var display = $"{folderName}/{SeriesFileName}";
        if (!File.Exists(path))
        {
            errors.Add($"{display}: file not found");
            return byCode;
        }

        using var file = JsonSourceFile.Read(path, display, errors);
        if (file.Root is not { } top || !ExpectObject(file, top, "the file"))
        {
            return byCode;
        }

        var props = Collect(file, top, SeriesFileProperties);
        if (Require(file, top, props, "series") is not { } list || !ExpectArray(file, list, "'series'"))
        {
            return byCode;
        }

        var firstLine = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in file.Items(list))
        {
            if (!ExpectObject(file, item, "a series"))
            {
                continue;
            }

            var p = Collect(file, item, SeriesProperties);
            var code = ReadString(file, Require(file, item, p, "code"), "code");
            var nameZh = ReadString(file, Require(file, item, p, "nameZh"), "nameZh");
            var nameEn = ReadString(file, Require(file, item, p, "nameEn"), "nameEn");
            var levels = ReadSeriesLevels(file, Require(file, item, p, "levels"));
            if (code is null || nameZh is null || nameEn is null || levels is null)
            {
                continue;
            }

            if (firstLine.TryGetValue(code, out var first))
            {
                file.Error(p["code"], $"series '{code}' is given twice (first at line {first})");
                continue;
            }

            firstLine[code] = p["code"].Line;
            byCode[code] = new Series(code, nameZh, nameEn, levels);
        }

        return byCode;
    }

    private static List<SeriesLevel>? ReadSeriesLevels(JsonSourceFile file, JsonNode? node)
    {
        if (node is not { } levels || !ExpectObject(file, levels, "'levels'"))
        {
            return null;
        }

        var result = new List<SeriesLevel>();
        var ok = true;
        foreach (var (name, value) in file.Properties(levels, known: null))
        {
            var level = ParseLevel(file, value, name);
            var mode = ReadMode(file, value);
            if (level is null || mode is null)
            {
                ok = false;
                continue;
            }

            result.Add(new SeriesLevel(level.Value, mode.Value));
        }

        if (ok && result.Count == 0)
        {
            file.Error(levels, "a series needs at least one level");
            return null;
        }

        return ok ? result.OrderBy(l => l.Level).ToList() : null;
    }

    private static List<YearCalendar> LoadCalendar(string root, string folderName, List<string> errors)
    {
        var years = new List<YearCalendar>();
        var folder = Path.Combine(root, CalendarFolderName);
        var displayFolder = $"{folderName}/{CalendarFolderName}";
        if (!Directory.Exists(folder))
        {
            errors.Add($"{displayFolder}: folder not found (one YYYY.json per year)");
            return years;
        }

        var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            errors.Add($"{displayFolder}: no calendar files (one YYYY.json per year)");
        }

        foreach (var path in files)
        {
            var fileName = Path.GetFileName(path);
            using var file = JsonSourceFile.Read(path, $"{displayFolder}/{fileName}", errors);
            var stem = Path.GetFileNameWithoutExtension(path);
            if (stem.Length != 4 || !int.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                file.Error(1, "a calendar file is named after the year it covers, e.g. 2027.json");
                continue;
            }

            if (file.Root is not { } top || !ExpectObject(file, top, "the file"))
            {
                continue;
            }

            var p = Collect(file, top, CalendarProperties);
            var holidays = ReadDates(file, Require(file, top, p, "holidays"), year, "holiday");
            var workdays = ReadDates(file, Require(file, top, p, "workdays"), year, "make-up working day");
            if (holidays is null || workdays is null)
            {
                continue;
            }

            var ok = true;
            foreach (var (date, node) in workdays)
            {
                if (holidays.ContainsKey(date))
                {
                    file.Error(node, $"{Format(date)} is both a holiday and a make-up working day");
                    ok = false;
                }
                else if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                {
                    // A weekday is a working day anyway: a make-up day listed on one is a typo for a weekend date.
                    file.Error(node, $"make-up working day {Format(date)} is a {date.DayOfWeek}; make-up working days fall on weekends");
                    ok = false;
                }
            }

            if (ok)
            {
                years.Add(new YearCalendar(year, holidays.Keys.ToHashSet(), workdays.Keys.ToHashSet()));
            }
        }

        return years;
    }

    private static Dictionary<DateOnly, JsonNode>? ReadDates(JsonSourceFile file, JsonNode? node, int year, string what)
    {
        if (node is not { } map || !ExpectObject(file, map, $"the {what} map"))
        {
            return null;
        }

        var dates = new Dictionary<DateOnly, JsonNode>();
        var ok = true;
        foreach (var (key, value) in file.Properties(map, known: null))
        {
            if (!DateOnly.TryParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                file.Error(value, $"'{key}' is not a date (yyyy-MM-dd)");
                ok = false;
            }
            else if (date.Year != year)
            {
                file.Error(value, $"{what} {key} is outside the file's year {year}");
                ok = false;
            }
            else if (value.Element.ValueKind != JsonValueKind.String)
            {
                file.Error(value, $"the label of {key} must be a string, e.g. \"National Day,国庆节,3\"");
                ok = false;
            }
            else
            {
                dates[date] = value;
            }
        }

        return ok ? dates : null;
    }

    private static List<Plan> LoadPlans(string root, string folderName, Dictionary<string, Series> series, List<string> errors)
    {
        var plans = new List<Plan>();
        var folder = Path.Combine(root, PlansFolderName);
        var displayFolder = $"{folderName}/{PlansFolderName}";
        if (!Directory.Exists(folder))
        {
            errors.Add($"{displayFolder}: folder not found");
            return plans;
        }

        var idsSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            using var file = JsonSourceFile.Read(path, $"{displayFolder}/{Path.GetFileName(path)}", errors);
            if (file.Root is not { } top || !ExpectObject(file, top, "the file"))
            {
                continue;
            }

            var plan = ReadPlan(file, top, series);
            if (plan is null)
            {
                continue;
            }

            if (idsSeen.TryGetValue(plan.Value.Plan.Id, out var first))
            {
                file.Error(plan.Value.IdLine, $"plan id '{plan.Value.Plan.Id}' is already used by {first}");
                continue;
            }

            idsSeen[plan.Value.Plan.Id] = $"{file.DisplayName} line {plan.Value.IdLine}";
            plans.Add(plan.Value.Plan);
        }

        return plans;
    }

    private static (Plan Plan, int IdLine)? ReadPlan(JsonSourceFile file, JsonNode top, Dictionary<string, Series> series)
    {
        var p = Collect(file, top, PlanProperties);
        var idNode = Require(file, top, p, "id");
        var id = ReadString(file, idNode, "id");
        var year = ReadInt(file, Require(file, top, p, "year"), "year");
        var region = ReadString(file, Require(file, top, p, "region"), "region");
        var name = ReadString(file, Require(file, top, p, "name"), "name");
        var source = ReadString(file, Require(file, top, p, "source"), "source");
        var green = p.TryGetValue("greenChannel", out var greenNode) ? ReadBool(file, greenNode, "greenChannel") : false;
        var windowsNode = Require(file, top, p, "windows");
        var (cutOffOk, cutOff) = ReadOptionalDate(file, Optional(p, "qualificationCutOff"), "qualificationCutOff");
        var (deadlineOk, deadline) = ReadOptionalDate(file, Optional(p, "reviewDeadline"), "reviewDeadline");
        if (year is < 2000 or > 2100)
        {
            file.Error(p["year"], $"year {year} is not a plan year");
            year = null;
        }

        if (id is null || year is null || region is null || name is null || source is null || green is null
            || windowsNode is null || !cutOffOk || !deadlineOk)
        {
            return null;
        }

        var windows = ReadWindows(file, windowsNode.Value, year.Value);
        var quotas = p.TryGetValue("quotas", out var quotasNode) ? ReadQuotas(file, quotasNode, series) : [];
        if (windows is null || quotas is null)
        {
            return null;
        }

        var ok = true;
        if (cutOff is { } c && c.Year > year)
        {
            file.Error(p["qualificationCutOff"], $"qualification cut-off {Format(c)} is after the plan year {year}");
            ok = false;
        }

        if (deadline is { } d)
        {
            if (d.Year != year)
            {
                // [001 二(一)] 职称评审不得跨年度进行
                file.Error(p["reviewDeadline"], $"review deadline {Format(d)} is outside the plan year {year} (no cross-year evaluation [001 二(一)])");
                ok = false;
            }
            else if (windows.FirstOrDefault(w => w.Closes > d) is { } late)
            {
                file.Error(p["reviewDeadline"], $"review deadline {Format(d)} is before the {late.Level} window closes ({Format(late.Closes)})");
                ok = false;
            }
        }

        return ok
            ? (new Plan(id, year.Value, region, name, source, windows, cutOff, deadline, quotas, green.Value), idNode!.Value.Line)
            : null;
    }

    private static List<LevelWindow>? ReadWindows(JsonSourceFile file, JsonNode node, int year)
    {
        if (!ExpectArray(file, node, "'windows'"))
        {
            return null;
        }

        var windows = new List<LevelWindow>();
        var levelLines = new Dictionary<Level, int>();
        var ok = true;
        foreach (var item in file.Items(node))
        {
            if (!ExpectObject(file, item, "a window"))
            {
                ok = false;
                continue;
            }

            var p = Collect(file, item, WindowProperties);
            var level = ReadLevel(file, Require(file, item, p, "level"));
            var opens = ReadDate(file, Require(file, item, p, "opens"), "opens");
            var closes = ReadDate(file, Require(file, item, p, "closes"), "closes");
            if (level is null || opens is null || closes is null)
            {
                ok = false;
                continue;
            }

            if (levelLines.TryGetValue(level.Value, out var first))
            {
                file.Error(p["level"], $"a second window for {level} (first at line {first})");
                ok = false;
                continue;
            }

            levelLines[level.Value] = p["level"].Line;
            if (closes < opens)
            {
                file.Error(p["closes"], $"window closes before it opens ({Format(opens.Value)} to {Format(closes.Value)})");
                ok = false;
            }
            else if (opens.Value.Year != year)
            {
                file.Error(p["opens"], $"window opens {Format(opens.Value)}, outside the plan year {year}");
                ok = false;
            }
            else if (closes.Value.Year != year)
            {
                file.Error(p["closes"], $"window closes {Format(closes.Value)}, outside the plan year {year}");
                ok = false;
            }
            else
            {
                windows.Add(new LevelWindow(level.Value, opens.Value, closes.Value));
            }
        }

        return ok ? windows : null;
    }

    private static List<Quota>? ReadQuotas(JsonSourceFile file, JsonNode node, Dictionary<string, Series> series)
    {
        if (!ExpectArray(file, node, "'quotas'"))
        {
            return null;
        }

        var quotas = new List<Quota>();
        var ok = true;
        foreach (var item in file.Items(node))
        {
            if (!ExpectObject(file, item, "a quota"))
            {
                ok = false;
                continue;
            }

            var p = Collect(file, item, QuotaProperties);
            var code = ReadString(file, Require(file, item, p, "series"), "series");
            var level = ReadLevel(file, Require(file, item, p, "level"));
            var places = ReadInt(file, Require(file, item, p, "places"), "places");
            if (code is null || level is null || places is null)
            {
                ok = false;
                continue;
            }

            if (places <= 0)
            {
                file.Error(p["places"], $"quota places must be greater than 0 (is {places})");
                ok = false;
            }
            else if (!series.TryGetValue(code, out var s))
            {
                file.Error(p["series"], $"unknown series '{code}' (not in {SeriesFileName})");
                ok = false;
            }
            else if (s.ModeFor(level.Value) is null)
            {
                file.Error(p["level"], $"series {s.Code} does not offer level {level}");
                ok = false;
            }
            else if (quotas.Any(q => q.Level == level && string.Equals(q.Series, s.Code, StringComparison.OrdinalIgnoreCase)))
            {
                file.Error(p["series"], $"a second quota for {s.Code} {level}");
                ok = false;
            }
            else
            {
                quotas.Add(new Quota(s.Code, level.Value, places.Value));
            }
        }

        return ok ? quotas : null;
    }

    private static Dictionary<string, JsonNode> Collect(JsonSourceFile file, JsonNode node, IReadOnlyCollection<string> known) =>
        file.Properties(node, known).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    private static JsonNode? Optional(Dictionary<string, JsonNode> properties, string name) =>
        properties.TryGetValue(name, out var node) ? node : null;

    private static JsonNode? Require(JsonSourceFile file, JsonNode owner, Dictionary<string, JsonNode> properties, string name)
    {
        if (properties.TryGetValue(name, out var node))
        {
            return node;
        }

        file.Error(owner, $"missing property '{name}'");
        return null;
    }

    private static bool ExpectObject(JsonSourceFile file, JsonNode node, string what)
    {
        if (node.Element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        file.Error(node, $"{what} must be a JSON object");
        return false;
    }

    private static bool ExpectArray(JsonSourceFile file, JsonNode node, string what)
    {
        if (node.Element.ValueKind == JsonValueKind.Array)
        {
            return true;
        }

        file.Error(node, $"{what} must be a JSON array");
        return false;
    }

    private static string? ReadString(JsonSourceFile file, JsonNode? node, string what)
    {
        if (node is not { } n)
        {
            return null;
        }

        if (n.Element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.Element.GetString()))
        {
            file.Error(n, $"'{what}' must be a non-empty string");
            return null;
        }

        return n.Element.GetString()!.Trim();
    }

    private static int? ReadInt(JsonSourceFile file, JsonNode? node, string what)
    {
        if (node is not { } n)
        {
            return null;
        }

        if (n.Element.ValueKind != JsonValueKind.Number || !n.Element.TryGetInt32(out var value))
        {
            file.Error(n, $"'{what}' must be a whole number");
            return null;
        }

        return value;
    }

    private static bool? ReadBool(JsonSourceFile file, JsonNode node, string what)
    {
        if (node.Element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return node.Element.GetBoolean();
        }

        file.Error(node, $"'{what}' must be true or false");
        return null;
    }

    private static DateOnly? ReadDate(JsonSourceFile file, JsonNode? node, string what)
    {
        if (node is not { } n)
        {
            return null;
        }

        if (n.Element.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(n.Element.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        file.Error(n, $"'{what}' must be a date \"yyyy-MM-dd\"");
        return null;
    }

    /// <summary>An absent or null date is fine (the notice gives none); a present one must be valid.</summary>
    private static (bool Ok, DateOnly? Value) ReadOptionalDate(JsonSourceFile file, JsonNode? node, string what)
    {
        if (node is not { } n || n.Element.ValueKind == JsonValueKind.Null)
        {
            return (true, null);
        }

        var date = ReadDate(file, n, what);
        return (date is not null, date);
    }

    private static Level? ReadLevel(JsonSourceFile file, JsonNode? node)
    {
        if (node is not { } n)
        {
            return null;
        }

        if (n.Element.ValueKind != JsonValueKind.String)
        {
            file.Error(n, $"'level' must be one of {string.Join(", ", LevelNames)}");
            return null;
        }

        return ParseLevel(file, n, n.Element.GetString()!);
    }

    private static Level? ParseLevel(JsonSourceFile file, JsonNode node, string text)
    {
        // Names only: Enum.TryParse alone would also take "3" or "1,2".
        var name = LevelNames.FirstOrDefault(l => string.Equals(l, text, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            file.Error(node, $"unknown level '{text}' (expected {string.Join(", ", LevelNames)})");
            return null;
        }

        return Enum.Parse<Level>(name);
    }

    private static EvaluationMode? ReadMode(JsonSourceFile file, JsonNode node)
    {
        var text = node.Element.ValueKind == JsonValueKind.String ? node.Element.GetString() : null;
        var name = ModeNames.FirstOrDefault(m => string.Equals(m, text, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            file.Error(node, $"unknown evaluation mode '{text ?? node.Element.GetRawText()}' (expected {string.Join(", ", ModeNames)})");
            return null;
        }

        return Enum.Parse<EvaluationMode>(name);
    }

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
