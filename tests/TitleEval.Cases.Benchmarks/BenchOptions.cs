using System.Globalization;

namespace TitleEval.Cases.Benchmarks;

public sealed class BenchOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/TitleEval.Cases.Benchmarks -- [options]
          --engine sqlite|messagedb|all   engines to measure (default all)
          --pg "<conn>"                   Npgsql connection string of a Message DB server (role message_store);
                                          required for messagedb. The superuser `postgres` (trust auth) on the same
                                          host/port creates and drops the benchmark's own databases.
          --appends N                     single-event appends per round (default 10000: on a disk
                                          that fsyncs in ~0.2 ms, 3000 take about a second)
          --batch-appends N               10-event appends per round (default 2000)
          --rounds N                      rounds per append measurement, ours and raw interleaved; the median
                                          round is reported (default 3)
          --warmup N                      untimed operations before each append measurement (default 200)
          --streams N                     size of the stream pool appends pick from (default 1000)
          --writers N                     concurrent writers of the concurrent measurement (default 8)
          --events N                      events seeded for the global-read measurement (default 1000000)
          --read-batches A,B              ReadAllAsync batch sizes to measure (default 1000,5000)
          --dir PATH                      folder for the SQLite files (default: a new folder under the temp dir)
          --skip-reads | --skip-appends   leave out one half
          --keep                          keep the SQLite files and PostgreSQL databases afterwards
          --diagnose all|sqlite-appends|sqlite-reads|pg-appends|pg-reads
                                          instead of the table, split a gap into its causes (replays the engines'
                                          SQL step by step without our layer); uses the same size flags
        """;

    public bool Sqlite { get; private set; } = true;

    public bool MessageDb { get; private set; } = true;

    public string? Postgres { get; private set; }

    public int Appends { get; private set; } = 10000;

    public int BatchAppends { get; private set; } = 2000;

    public int BatchSize { get; } = 10;

    public int Warmup { get; private set; } = 200;

    public int Rounds { get; private set; } = 3;

    public int Streams { get; private set; } = 1000;

    public int Writers { get; private set; } = 8;

    public int Events { get; private set; } = 1_000_000;

    public int[] ReadBatchSizes { get; private set; } = [1000, 5000];

    public string? Directory { get; private set; }

    public bool SkipReads { get; private set; }

    public bool SkipAppends { get; private set; }

    public bool Keep { get; private set; }

    public string? Diagnose { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            int Number() => int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture) is var n && n > 0 ? n : throw new ArgumentException($"{args[i - 1]} must be positive.");

            switch (args[i])
            {
                case "--engine":
                    var engine = Value().ToLowerInvariant();
                    (o.Sqlite, o.MessageDb) = engine switch
                    {
                        "sqlite" => (true, false),
                        "messagedb" or "postgres" => (false, true),
                        "all" => (true, true),
                        _ => throw new ArgumentException($"--engine must be sqlite, messagedb or all, not '{engine}'."),
                    };
                    break;
                case "--pg": o.Postgres = Value(); break;
                case "--appends": o.Appends = Number(); break;
                case "--batch-appends": o.BatchAppends = Number(); break;
                case "--rounds": o.Rounds = Number(); break;
                case "--warmup": o.Warmup = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--streams": o.Streams = Number(); break;
                case "--writers": o.Writers = Number(); break;
                case "--events": o.Events = Number(); break;
                case "--read-batches":
                    o.ReadBatchSizes = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--dir": o.Directory = Value(); break;
                case "--skip-reads": o.SkipReads = true; break;
                case "--skip-appends": o.SkipAppends = true; break;
                case "--keep": o.Keep = true; break;
                case "--diagnose":
                    o.Diagnose = Value().ToLowerInvariant();
                    if (o.Diagnose is not ("all" or "sqlite-appends" or "sqlite-reads" or "pg-appends" or "pg-reads"))
                    {
                        throw new ArgumentException($"--diagnose must be all, sqlite-appends, sqlite-reads, pg-appends or pg-reads.");
                    }

                    break;
                case "-h" or "--help": throw new ArgumentException(Usage);
                default: throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}");
            }
        }

        if ((o.Diagnose is null ? o.MessageDb : o.Diagnose is "all" or "pg-appends" or "pg-reads") && string.IsNullOrWhiteSpace(o.Postgres))
        {
            throw new ArgumentException("--pg \"<connection string>\" is required for the messagedb engine (./bench.sh starts a server and passes it).");
        }

        return o;
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"--appends {Appends} --batch-appends {BatchAppends} (x{BatchSize} events) --rounds {Rounds} --warmup {Warmup} --streams {Streams} --writers {Writers} --events {Events} --read-batches {string.Join(',', ReadBatchSizes)}");
}
