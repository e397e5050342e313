using System.Text;

namespace TitleEval.Cases.Api.Identity;

/// <summary>The access matrix as the Markdown table in api-docs/roles.md (a test keeps the page equal to <see cref="AccessMatrix.Rules"/>).</summary>
public static class AccessMatrixDocument
{
    public const string Start = "<!-- access-matrix:start (generated from AccessMatrix.cs; UPDATE_DOCS=1 dotnet test --filter AccessMatrix rewrites it) -->";
    public const string End = "<!-- access-matrix:end -->";

    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("| endpoint | ").AppendJoin(" | ", Roles.All).Append(" |\n");
        text.Append("|---|").AppendJoin(string.Empty, Roles.All.Select(_ => ":---:|")).Append('\n');
        foreach (var rule in AccessMatrix.Rules)
        {
            text.Append("| `").Append(rule.Method).Append(' ').Append(rule.Route).Append("` | ");
            text.AppendJoin(" | ", Roles.All.Select(role => !rule.Roles.Contains(role) ? "–" : role == Roles.Partner ? $"`{rule.PartnerScope}`" : "✔"));
            text.Append(" |\n");
        }

        return text.ToString();
    }

    /// <summary>Rows that name one role, for its page api-docs/roles/&lt;role&gt;.md.</summary>
    public static string RenderFor(string role)
    {
        var text = new StringBuilder();
        foreach (var rule in AccessMatrix.Rules.Where(r => r.Roles.Contains(role)))
        {
            text.Append("- `").Append(rule.Method).Append(' ').Append(rule.Route).Append('`');
            if (role == Roles.Partner)
            {
                text.Append(" — scope `").Append(rule.PartnerScope).Append('`');
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
