namespace TitleEval.Cases.Domain.Reference;

/// <summary>How one level of a series is evaluated [001 四(二)].</summary>
public sealed record SeriesLevel(Level Level, EvaluationMode Mode);

/// <summary>A title series (系列) and the levels it offers.</summary>
public sealed record Series(string Code, string NameZh, string NameEn, IReadOnlyList<SeriesLevel> Levels)
{
    /// <summary>How <paramref name="level"/> is evaluated; null when the series has no such level.</summary>
    public EvaluationMode? ModeFor(Level level) => Levels.FirstOrDefault(l => l.Level == level)?.Mode;
}

/// <summary>The reference list of series, extendable by configuration (domain.md §2). Codes compare case-insensitively.</summary>
public sealed class SeriesCatalogue
{
    private readonly Dictionary<string, Series> _byCode = new(StringComparer.OrdinalIgnoreCase);

    public SeriesCatalogue(IEnumerable<Series> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var all = new List<Series>();
        foreach (var s in series)
        {
            if (!_byCode.TryAdd(s.Code, s))
            {
                throw new ArgumentException($"Series '{s.Code}' is given twice.", nameof(series));
            }

            all.Add(s);
        }

        All = all;
    }

    public IReadOnlyCollection<Series> All { get; }

    public Series? Find(string code) => _byCode.GetValueOrDefault(code);
}
