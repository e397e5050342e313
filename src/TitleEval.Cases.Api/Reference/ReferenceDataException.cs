namespace TitleEval.Cases.Api.Reference;

/// <summary>
/// The reference-data folder is broken. The message lists every problem found, one a line, each naming the file and
/// the line, e.g. <c>reference-data/plans/2026-hohhot.json line 12: window closes before it opens</c>.
/// </summary>
public sealed class ReferenceDataException : Exception
{
    public ReferenceDataException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}
