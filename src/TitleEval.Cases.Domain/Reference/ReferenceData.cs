namespace TitleEval.Cases.Domain.Reference;

/// <summary>Everything the deciders look up rather than hard-code: plans, the working-day calendar and the series.</summary>
public sealed class ReferenceData
{
    private readonly Dictionary<string, Plan> _plansById = new(StringComparer.Ordinal);

    public ReferenceData(IReadOnlyList<Plan> plans, WorkingDayCalendar calendar, SeriesCatalogue series)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(series);
        foreach (var plan in plans)
        {
            if (!_plansById.TryAdd(plan.Id, plan))
            {
                throw new ArgumentException($"Plan '{plan.Id}' is given twice.", nameof(plans));
            }
        }

        Plans = plans;
        Calendar = calendar;
        Series = series;
    }

    public IReadOnlyList<Plan> Plans { get; }

    public WorkingDayCalendar Calendar { get; }

    public SeriesCatalogue Series { get; }

    public Plan? FindPlan(string id) => _plansById.GetValueOrDefault(id);
}
