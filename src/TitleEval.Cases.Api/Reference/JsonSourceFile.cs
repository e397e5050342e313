using System.Buffers;
using System.Globalization;
using System.Text.Unicode;
using System.Text.Json;

namespace TitleEval.Cases.Api.Reference;

/// <summary>A JSON value together with the line it starts on, so that a semantic error can name its line.</summary>
internal readonly record struct JsonNode(JsonElement Element, string Path, int Line);

/// <summary>
/// One parsed reference-data file: the document, the line of every value and property (found by walking the raw
/// UTF-8 with <see cref="Utf8JsonReader"/> and counting newlines before each token), and the errors found in it.
/// </summary>
internal sealed class JsonSourceFile : IDisposable
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Operators edit these files by hand: tolerate comments and trailing commas.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly JsonDocument? _document;
    private readonly Dictionary<string, List<int>> _lines = new(StringComparer.Ordinal);
    private readonly List<string> _errors;

    private JsonSourceFile(string displayName, List<string> errors, byte[] utf8)
    {
        DisplayName = displayName;
        _errors = errors;

        // Invalid UTF-8 (e.g. a file saved as GBK) would only surface later, as an InvalidOperationException.
        var status = Utf8.ToUtf16(utf8, new char[utf8.Length], out var validBytes, out _, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            Error(1 + utf8.AsSpan(0, validBytes).Count((byte)'\n'), "malformed JSON: the file is not UTF-8 (save it as UTF-8)");
            return;
        }

        try
        {
            _document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException exception)
        {
            Error((int)(exception.LineNumber ?? 0) + 1, $"malformed JSON: {Describe(exception)}");
            return;
        }

        MapLines(utf8);
    }

    public string DisplayName { get; }

    /// <summary>The root, or null when the file is not valid JSON (the error is already recorded).</summary>
    public JsonNode? Root => _document is null ? null : new JsonNode(_document.RootElement, string.Empty, LineOf(string.Empty));

    public static JsonSourceFile Read(string path, string displayName, List<string> errors)
    {
        var bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        if (bytes.AsSpan().StartsWith(bom))
        {
            bytes = bytes[3..];
        }

        return new JsonSourceFile(displayName, errors, bytes);
    }

    public void Error(int line, string message) =>
        _errors.Add($"{DisplayName} line {line.ToString(CultureInfo.InvariantCulture)}: {message}");

    public void Error(JsonNode node, string message) => Error(node.Line, message);

    /// <summary>
    /// The properties of an object, reporting names that appear twice and names not in <paramref name="known"/> (null
    /// allows any name). Names starting with '_' are comments and are skipped.
    /// </summary>
    public IEnumerable<(string Name, JsonNode Value)> Properties(JsonNode node, IReadOnlyCollection<string>? known)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in node.Element.EnumerateObject())
        {
            var path = $"{node.Path}/{property.Name}";
            var occurrence = seen.GetValueOrDefault(property.Name);
            seen[property.Name] = occurrence + 1;
            var child = new JsonNode(property.Value, path, LineOf(path, occurrence));
            if (property.Name.StartsWith('_'))
            {
                continue;
            }

            if (occurrence > 0)
            {
                Error(child, $"'{property.Name}' appears twice");
                continue;
            }

            if (known is not null && !known.Contains(property.Name))
            {
                Error(child, $"unknown property '{property.Name}' (expected {string.Join(", ", known)})");
                continue;
            }

            yield return (property.Name, child);
        }
    }

    public IEnumerable<JsonNode> Items(JsonNode array)
    {
        var index = 0;
        foreach (var item in array.Element.EnumerateArray())
        {
            var path = $"{array.Path}/{index.ToString(CultureInfo.InvariantCulture)}";
            yield return new JsonNode(item, path, LineOf(path));
            index++;
        }
    }

    public void Dispose() => _document?.Dispose();

    private int LineOf(string path, int occurrence = 0) =>
        _lines.TryGetValue(path, out var lines) && occurrence < lines.Count ? lines[occurrence] : 1;

    private static string Describe(JsonException exception)
    {
        // The reader's message ends with " LineNumber: n | BytePositionInLine: m."; the line is reported already.
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private sealed class Frame(string path)
    {
        public string Path { get; } = path;

        public int Index { get; set; }
    }

    private void MapLines(byte[] utf8)
    {
        var newlines = new List<long>();
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                newlines.Add(i);
            }
        }

        int Line(long offset)
        {
            var index = newlines.BinarySearch(offset);
            return (index < 0 ? ~index : index) + 1;
        }

        void Add(string path, int line)
        {
            if (!_lines.TryGetValue(path, out var lines))
            {
                _lines[path] = lines = [];
            }

            lines.Add(line);
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        var stack = new Stack<Frame>();
        string? propertyPath = null;
        while (reader.Read())
        {
            var line = Line(reader.TokenStartIndex);
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                // A property's line is the line of its name; the value usually follows on the same line.
                propertyPath = $"{stack.Peek().Path}/{reader.GetString()}";
                Add(propertyPath, line);
                continue;
            }

            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                stack.Pop();
                continue;
            }

            string path;
            if (propertyPath is not null)
            {
                path = propertyPath;
                propertyPath = null;
            }
            else
            {
                if (stack.Count == 0)
                {
                    path = string.Empty;
                }
                else
                {
                    var parent = stack.Peek();
                    path = $"{parent.Path}/{parent.Index.ToString(CultureInfo.InvariantCulture)}";
                    parent.Index++;
                }

                Add(path, line);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                stack.Push(new Frame(path));
            }
        }
    }
}
