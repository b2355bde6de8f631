using System.Globalization;

namespace Descent.Cli.Lab;

/// <summary>
/// One writer per run folder: an exclusive lock held for the whole run (an OS file lock, so a killed process
/// releases it), a refusal to write over another run without <c>--force</c>, and removal of what an
/// interrupted writer left behind (temporary files of atomic writes).
/// </summary>
internal sealed class RunLock : IDisposable
{
    /// <summary>The locked file; never deleted, so every writer locks the same file.</summary>
    public const string LockFile = ".descent.lock";

    /// <summary>The holder's process id, for the message a second writer gets.</summary>
    public const string OwnerFile = ".descent.owner";

    private readonly FileStream _lock;

    private RunLock(RunFolder folder, FileStream stream, bool created)
    {
        Folder = folder;
        _lock = stream;
        Created = created;
    }

    /// <summary>The locked folder.</summary>
    public RunFolder Folder { get; }

    /// <summary>Whether this run created the folder (so a failed start removes it again).</summary>
    public bool Created { get; }

    /// <summary>
    /// Locks <paramref name="path"/> (created when missing) for this process, then removes leftover temporary
    /// files. With <paramref name="sameRun"/> false the folder must not hold another run's files, unless
    /// <paramref name="force"/>, which deletes them first.
    /// </summary>
    /// <exception cref="UsageException">Another process holds the folder, or it holds another run and no --force.</exception>
    public static RunLock Acquire(string path, bool sameRun, bool force)
    {
        bool created = !Directory.Exists(path);
        Directory.CreateDirectory(path);
        var folder = new RunFolder(path);
        FileStream stream;
        try
        {
            stream = new FileStream(folder.File(LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            string owner = File.Exists(folder.File(OwnerFile)) ? File.ReadAllText(folder.File(OwnerFile)).Trim() : "unknown";
            throw new UsageException($"{folder.Path} is in use by another descent run (process {owner}); wait for it to end, or choose another --out.");
        }

        var held = new RunLock(folder, stream, created);
        try
        {
            File.WriteAllText(folder.File(OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            foreach (string leftover in Directory.EnumerateFiles(folder.Path, "*.tmp"))
            {
                File.Delete(leftover);
            }

            var others = held.RunFiles().ToList();
            if (!sameRun && others.Count > 0)
            {
                if (!force)
                {
                    throw new UsageException(
                        $"{folder.Path} holds another run ({string.Join(", ", others.Take(4).Select(Path.GetFileName))}{(others.Count > 4 ? ", …" : string.Empty)}); "
                        + "choose another --out, or add --force to delete that run first.");
                }

                held.DeleteRunFiles();
            }

            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>After a failed start: removes the folder this run created, unless it holds a checkpoint.</summary>
    public void AbandonIfEmpty(string checkpointFile)
    {
        if (Created && !File.Exists(Folder.File(checkpointFile)))
        {
            DeleteRunFiles();
            Dispose();
            Directory.Delete(Folder.Path, recursive: true);
        }
    }

    public void Dispose() => _lock.Dispose();

    private IEnumerable<string> RunFiles() =>
        Directory.EnumerateFileSystemEntries(Folder.Path).Where(e => Path.GetFileName(e) is not (LockFile or OwnerFile));

    private void DeleteRunFiles()
    {
        foreach (string entry in RunFiles().ToList())
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }
}
