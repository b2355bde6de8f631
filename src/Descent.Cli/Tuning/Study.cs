using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Descent.Cli.Tuning;

/// <summary>The states a trial goes through: pending → running → complete (or diverged).</summary>
internal enum TrialState
{
    Pending,
    Running,
    Complete,
    Diverged,
}

/// <summary>One trial as stored: a configuration of one optimizer trained at one rung.</summary>
internal sealed record Trial(
    long Id,
    string Optimizer,
    int ConfigIndex,
    int Rung,
    string Spec,
    int Iterations,
    TrialState State,
    string? Owner,
    int Attempts,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double[] Curve,
    double? Seconds);

/// <summary>
/// A tuning study in a SQLite file (Optuna keeps its studies the same way): the settings, and every trial with its
/// configuration, state, owner, curve and result. Every change is one short transaction. Claiming a trial takes
/// SQLite's write lock first (<c>BEGIN IMMEDIATE</c>), so several processes — or machines sharing the file system —
/// never take the same trial. The rollback journal (not WAL) is kept because WAL needs shared memory that network
/// file systems do not provide.
/// </summary>
internal sealed class Study : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS trials(
            id INTEGER PRIMARY KEY,
            optimizer TEXT NOT NULL,
            config_index INTEGER NOT NULL,
            rung INTEGER NOT NULL,
            spec TEXT NOT NULL,
            iterations INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'complete', 'diverged')),
            owner TEXT,
            heartbeat REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            validation_loss REAL,
            validation_accuracy REAL,
            curve TEXT,
            seconds REAL,
            UNIQUE (optimizer, rung, config_index));
        """;

    private readonly SqliteConnection _connection;

    private Study(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public string Path { get; }

    /// <summary>This process, as trial owners are recorded: machine, process id and the process's start time (so a reused id is not mistaken for it).</summary>
    public static string ThisProcess { get; } = Owner(Environment.MachineName, Environment.ProcessId, Process.GetCurrentProcess().StartTime.ToUniversalTime().Ticks);

    /// <summary>Opens (creating when absent) the study file.</summary>
    /// <exception cref="InvalidDataException">The file is not a SQLite database or not a study.</exception>
    public static Study Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 120,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, null, "PRAGMA busy_timeout = 120000;");
            Execute(connection, null, Schema);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"{full} is not a tuning study (a SQLite file): {e.Message}", e);
        }

        return new Study(full, connection);
    }

    /// <summary>
    /// Writes the settings and the first rung's trials if the study is new; otherwise checks that the stored
    /// settings are these. Returns the stored settings.
    /// </summary>
    /// <exception cref="Lab.UsageException">The file holds a study with other settings.</exception>
    public IReadOnlyDictionary<string, string> Initialize(IReadOnlyDictionary<string, string> settings, Func<IEnumerable<(string Optimizer, int ConfigIndex, string Spec, int Iterations)>> firstRung)
    {
        using var transaction = _connection.BeginTransaction();
        var stored = Meta(transaction);
        if (stored.Count == 0)
        {
            foreach (var (key, value) in settings)
            {
                Execute(_connection, transaction, "INSERT INTO meta(key, value) VALUES ($k, $v);", ("$k", key), ("$v", value));
            }

            foreach (var (optimizer, index, spec, iterations) in firstRung())
            {
                Insert(transaction, optimizer, index, 0, spec, iterations);
            }

            transaction.Commit();
            return settings;
        }

        var differences = settings.Where(s => !stored.TryGetValue(s.Key, out string? v) || v != s.Value)
            .Select(s => $"{s.Key}: the study has '{(stored.TryGetValue(s.Key, out string? v) ? v : "(none)")}', this command '{s.Value}'")
            .ToList();
        if (differences.Count > 0)
        {
            throw new Lab.UsageException($"{Path} holds a study with other settings ({string.Join("; ", differences)}). Run with the study's settings, or name a new --study file.");
        }

        transaction.Commit();
        return stored;
    }

    /// <summary>The stored settings (empty for a new file).</summary>
    public IReadOnlyDictionary<string, string> Settings()
    {
        using var transaction = _connection.BeginTransaction(deferred: true);
        return Meta(transaction);
    }

    /// <summary>
    /// Takes the first pending trial for <paramref name="owner"/>; first returns to pending any running trial whose
    /// owner is gone (a process on this machine that no longer exists, or any owner silent past <paramref name="staleAfter"/>).
    /// </summary>
    /// <returns>The trial, or null when none is pending.</returns>
    public Trial? Claim(string owner, TimeSpan staleAfter)
    {
        using var transaction = _connection.BeginTransaction();
        double now = Now();
        var running = Query(transaction, "SELECT * FROM trials WHERE state = 'running';");
        foreach (var trial in running)
        {
            if (IsGone(trial.Owner, HeartbeatOf(transaction, trial.Id), now, staleAfter))
            {
                Execute(_connection, transaction, "UPDATE trials SET state = 'pending', owner = NULL WHERE id = $id AND state = 'running';", ("$id", trial.Id));
            }
        }

        var pending = Query(transaction, "SELECT * FROM trials WHERE state = 'pending' ORDER BY rung, optimizer, config_index LIMIT 1;");
        if (pending.Count == 0)
        {
            transaction.Commit();
            return null;
        }

        var claimed = pending[0];
        Execute(
            _connection,
            transaction,
            "UPDATE trials SET state = 'running', owner = $o, heartbeat = $t, attempts = attempts + 1 WHERE id = $id AND state = 'pending';",
            ("$o", owner),
            ("$t", now),
            ("$id", claimed.Id));
        transaction.Commit();
        return claimed with { State = TrialState.Running, Owner = owner, Attempts = claimed.Attempts + 1 };
    }

    /// <summary>Marks this owner's running trials as alive.</summary>
    public void Heartbeat(string owner) =>
        Execute(_connection, null, "UPDATE trials SET heartbeat = $t WHERE owner = $o AND state = 'running';", ("$t", Now()), ("$o", owner));

    /// <summary>
    /// Stores a finished trial (only if <paramref name="owner"/> still holds it) and, when that completes its rung
    /// for its optimizer, creates the next rung (<paramref name="nextRung"/> gives its size) from the best configurations — in one transaction.
    /// </summary>
    /// <returns>False when the trial had been taken away (the owner was thought gone): the result is discarded.</returns>
    public bool Complete(Trial trial, string owner, bool diverged, double? validationLoss, double? validationAccuracy, double[] curve, double seconds, Func<int, (int Count, int Iterations)?> nextRung)
    {
        using var transaction = _connection.BeginTransaction();
        int changed = Execute(
            _connection,
            transaction,
            """
            UPDATE trials SET state = $s, validation_loss = $l, validation_accuracy = $a, curve = $c, seconds = $sec, heartbeat = NULL
            WHERE id = $id AND owner = $o AND state = 'running';
            """,
            ("$s", diverged ? "diverged" : "complete"),
            ("$l", validationLoss is double l && double.IsFinite(l) ? l : DBNull.Value),
            ("$a", validationAccuracy is double a ? a : DBNull.Value),
            ("$c", string.Join(' ', curve.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))),
            ("$sec", seconds),
            ("$id", trial.Id),
            ("$o", owner));
        if (changed == 0)
        {
            transaction.Rollback();
            return false;
        }

        Promote(transaction, trial.Optimizer, trial.Rung, nextRung);
        transaction.Commit();
        return true;
    }

    /// <summary>
    /// Gives back a trial this owner could not finish (Ctrl-C): pending again, so the next <c>tune</c> on the study
    /// trains it from scratch, exactly as if it had never started.
    /// </summary>
    /// <returns>False when the trial was no longer this owner's.</returns>
    public bool Release(Trial trial, string owner) =>
        Execute(_connection, null, "UPDATE trials SET state = 'pending', owner = NULL, heartbeat = NULL WHERE id = $id AND owner = $o AND state = 'running';", ("$id", trial.Id), ("$o", owner)) > 0;

    public IReadOnlyList<Trial> Trials()
    {
        using var transaction = _connection.BeginTransaction(deferred: true);
        return Query(transaction, "SELECT * FROM trials ORDER BY optimizer, rung, config_index;");
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>Marks an owner's running trials as alive every <c>period</c>, on a connection of its own.</summary>
    public sealed class HeartbeatTimer : IDisposable
    {
        private readonly Study _study;
        private readonly Timer _timer;
        private readonly Lock _lock = new();

        public HeartbeatTimer(string path, string owner, TimeSpan period)
        {
            _study = Open(path);
            _timer = new Timer(
                _ =>
                {
                    lock (_lock)
                    {
                        try
                        {
                            _study.Heartbeat(owner);
                        }
                        catch (SqliteException)
                        {
                            // The file was busy past the timeout: the next beat retries, well before the owner counts as gone.
                        }
                    }
                },
                null,
                period,
                period);
        }

        public void Dispose()
        {
            _timer.Dispose();
            lock (_lock)
            {
                _study.Dispose();
            }
        }
    }

    public static string Owner(string machine, int processId, long startTicks) =>
        string.Create(CultureInfo.InvariantCulture, $"{machine}:{processId}:{startTicks}");

    private void Promote(SqliteTransaction transaction, string optimizer, int rung, Func<int, (int Count, int Iterations)?> nextRung)
    {
        if (nextRung(rung + 1) is not var (count, iterations))
        {
            return;
        }

        var rows = Query(transaction, "SELECT * FROM trials WHERE optimizer = $o AND rung = $r;", ("$o", optimizer), ("$r", rung));
        var next = Query(transaction, "SELECT * FROM trials WHERE optimizer = $o AND rung = $r;", ("$o", optimizer), ("$r", rung + 1));
        if (next.Count > 0 || rows.Any(t => t.State is TrialState.Pending or TrialState.Running))
        {
            return;
        }

        // Best validation loss first; diverged trials last; ties by configuration index, so every process promotes the same.
        foreach (var best in rows.OrderBy(t => t.ValidationLoss ?? double.PositiveInfinity).ThenBy(t => t.ConfigIndex).Take(count))
        {
            Insert(transaction, optimizer, best.ConfigIndex, rung + 1, best.Spec, iterations);
        }
    }

    private void Insert(SqliteTransaction transaction, string optimizer, int index, int rung, string spec, int iterations) =>
        Execute(
            _connection,
            transaction,
            "INSERT INTO trials(optimizer, config_index, rung, spec, iterations, state) VALUES ($o, $i, $r, $s, $n, 'pending');",
            ("$o", optimizer),
            ("$i", index),
            ("$r", rung),
            ("$s", spec),
            ("$n", iterations));

    private static bool IsGone(string? owner, double? heartbeat, double now, TimeSpan staleAfter)
    {
        if (heartbeat is null || now - heartbeat.Value > staleAfter.TotalSeconds)
        {
            return true;
        }

        string[] parts = owner?.Split(':') ?? [];
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid)
            || !long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long ticks))
        {
            // Another machine: only its heartbeat can tell.
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            // Linux derives a start time from the boot time, which .NET re-estimates per call: allow a second of jitter.
            return process.HasExited || Math.Abs(process.StartTime.ToUniversalTime().Ticks - ticks) > TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private double? HeartbeatOf(SqliteTransaction transaction, long id)
    {
        using var command = Command(_connection, transaction, "SELECT heartbeat FROM trials WHERE id = $id;", ("$id", id));
        return command.ExecuteScalar() is double d ? d : null;
    }

    private Dictionary<string, string> Meta(SqliteTransaction transaction)
    {
        using var command = Command(_connection, transaction, "SELECT key, value FROM meta;");
        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }

    private List<Trial> Query(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(_connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var trials = new List<Trial>();
        while (reader.Read())
        {
            string? curve = reader["curve"] as string;
            trials.Add(new Trial(
                (long)reader["id"],
                (string)reader["optimizer"],
                (int)(long)reader["config_index"],
                (int)(long)reader["rung"],
                (string)reader["spec"],
                (int)(long)reader["iterations"],
                Enum.Parse<TrialState>((string)reader["state"], ignoreCase: true),
                reader["owner"] as string,
                (int)(long)reader["attempts"],
                reader["validation_loss"] as double?,
                reader["validation_accuracy"] as double?,
                string.IsNullOrEmpty(curve) ? [] : [.. curve.Split(' ').Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))],
                reader["seconds"] as double?));
        }

        return trials;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
