namespace TitleEval.Cases.EventStore;

internal static class EmbeddedSchema
{
    public static string Read(string logicalName)
    {
        using var stream = typeof(EmbeddedSchema).Assembly.GetManifestResourceStream(logicalName)
            ?? throw new InvalidOperationException($"The schema resource '{logicalName}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
