using FluentAssertions;
using TitleEval.Cases.Api.Reference;
using TitleEval.Cases.Domain.Reference;

namespace TitleEval.Cases.Domain.Tests.Reference;

/// <summary>The reference-data folder as shipped (copied beside the test assembly by the Api project), loaded once.</summary>
internal static class ShippedReferenceData
{
    private static readonly Lazy<ReferenceData> Loaded = new(() => ReferenceDataLoader.Load(Folder));

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "reference-data");

    public static ReferenceData Data => Loaded.Value;

    public static WorkingDayCalendar Calendar => Data.Calendar;
}

/// <summary>A copy of the shipped folder under a temp directory also named <c>reference-data</c>, to break on purpose.</summary>
internal sealed class TempReferenceData : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), $"titleeval-refdata-{Guid.NewGuid():N}");

    public TempReferenceData()
    {
        Folder = Path.Combine(_parent, "reference-data");
        Copy(ShippedReferenceData.Folder, Folder);
    }

    public string Folder { get; }

    public TempReferenceData Write(string relativePath, string text)
    {
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    public ReferenceDataException LoadFails()
    {
        var act = () => ReferenceDataLoader.Load(Folder);
        return act.Should().Throw<ReferenceDataException>().Which;
    }

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
