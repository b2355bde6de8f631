using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>
/// Ctrl-C during a comparison: the first press asks every running loop to stop at its next step boundary, so that
/// what was computed is saved (marked interrupted) and the command exits 130; a second press ends the process at
/// once. Either way the cursor a live progress display hides is shown again.
/// </summary>
internal sealed class Interruption : IDisposable
{
    // Not disposed: a handler already running when Dispose unsubscribes it may still cancel the source.
    private readonly CancellationTokenSource _stop = new();
    private readonly IAnsiConsole _console;

    /// <summary>Listens for Ctrl-C (SIGINT) until disposed.</summary>
    /// <param name="console">The console whose cursor is restored.</param>
    public Interruption(IAnsiConsole console)
    {
        _console = console;
        Console.CancelKeyPress += OnCancel;
    }

    /// <summary>Cancelled by the first Ctrl-C.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Whether Ctrl-C was pressed.</summary>
    public bool Requested => _stop.IsCancellationRequested;

    /// <summary>What the first Ctrl-C does: asks the loops to stop at their next step.</summary>
    public void Request() => _stop.Cancel();

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        if (Requested)
        {
            _console.Cursor.Show(true);
        }
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (!_stop.IsCancellationRequested)
        {
            e.Cancel = true;
            Request();
            return;
        }

        // The second press terminates the process (e.Cancel stays false): leave the terminal usable.
        _console.Cursor.Show(true);
    }
}
