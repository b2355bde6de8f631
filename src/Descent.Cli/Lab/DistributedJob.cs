using Descent.Distributed;

namespace Descent.Cli.Lab;

/// <summary>
/// Runs a command's work as one rank of an MPI job: initialises MPI, and if this rank fails, prints why (with its rank)
/// and aborts the whole job — the other ranks would otherwise wait forever in their next collective.
/// </summary>
internal static class DistributedJob
{
    /// <summary>Runs <paramref name="work"/> on this rank; returns its exit code after finalising MPI.</summary>
    /// <param name="work">The rank's work, given the world communicator.</param>
    /// <returns>The exit code (a failure never returns: the job is aborted with exit code 1).</returns>
    public static int Run(Func<MpiCommunicator, int> work)
    {
        var world = MpiCommunicator.Initialize();
        try
        {
            int code = work(world);
            world.Dispose();
            return code;
        }
        catch (RanksDisagreeException e)
        {
            // Thrown on every rank at once (a collective check): end cleanly, so no rank's message is lost to MPI_Abort.
            Console.Error.WriteLine($"descent: rank {world.Rank} of {world.Size}: {e.Message}");
            world.Dispose();
            return Program.RunFailure;
        }
#pragma warning disable CA1031 // Any failure on one rank must end every rank; the message says what it was.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
            Console.Error.WriteLine($"descent: rank {world.Rank} of {world.Size} failed: {UsageException.Clean(inner)}");
            world.Abort(inner is UsageException ? Program.UsageError : Program.RunFailure);
            return Program.RunFailure;   // not reached: MPI_Abort ends this process
        }
    }
}
