using System.Data.Common;

namespace TitleEval.Cases.EventStore;

/// <summary>One way to bind a parameter for SQL that runs on both engines (read models, subscribers).</summary>
public static class DbCommandExtensions
{
    /// <summary>Adds <paramref name="name"/> = <paramref name="value"/> (null as SQL NULL) and returns the command.</summary>
    public static DbCommand WithParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
