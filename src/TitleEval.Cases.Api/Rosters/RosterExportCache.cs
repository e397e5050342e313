using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TitleEval.Cases.Api.Rosters;

public sealed class RosterExportOptions
{
    /// <summary>How many rendered CSV/XLSX files are kept; 0 turns the cache off.</summary>
    public int ExportCacheEntries { get; set; } = 16;
}

/// <summary>
/// Rendered roster files, keyed by the filter, the format and the roster read model's generation and checkpoint. A
/// roster is a list many people download while it changes only when events arrive, so an unchanged roster is rendered
/// once: concurrent requests for the same key wait for that one rendering. Any event the roster projection applies moves
/// its checkpoint and so misses the cache. The key is read before the rows, so an entry can only hold a newer state than
/// its key says, never an older one. The roster is not filtered per caller; if it ever is, the caller's scope must join
/// the key.
/// </summary>
public sealed class RosterExportCache(IOptions<RosterExportOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> entries = new(StringComparer.Ordinal);

    public async Task<byte[]> GetOrRenderAsync(string key, Func<Task<byte[]>> render)
    {
        var capacity = options.Value.ExportCacheEntries;
        if (capacity <= 0)
        {
            return await render();
        }

        if (entries.Count >= capacity && !entries.ContainsKey(key))
        {
            // Keys of an old checkpoint are never asked again once the roster moves on: dropping them all is enough.
            entries.Clear();
        }

        var entry = entries.GetOrAdd(key, _ => new Lazy<Task<byte[]>>(render, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await entry.Value;
        }
        catch
        {
            // A failed rendering is not kept: the next request tries again.
            entries.TryRemove(new KeyValuePair<string, Lazy<Task<byte[]>>>(key, entry));
            throw;
        }
    }
}
