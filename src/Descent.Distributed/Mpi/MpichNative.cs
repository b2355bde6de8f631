using System.Runtime.InteropServices;

namespace Descent.Distributed.Mpi;

/// <summary>
/// The MPI functions Descent calls, bound to MPICH's ABI (<c>libmpich.so.12</c>), where every handle
/// (communicator, datatype, operation, error handler) is a C <c>int</c>. <see cref="MpiLibrary"/> resolves
/// the library name; <see cref="MpichAbi"/> holds the handle values from MPICH's <c>mpi.h</c>.
/// </summary>
internal static unsafe partial class MpichNative
{
    public const string Library = "mpi";

    [LibraryImport(Library)]
    public static partial int MPI_Initialized(int* flag);

    [LibraryImport(Library)]
    public static partial int MPI_Finalized(int* flag);

    [LibraryImport(Library)]
    public static partial int MPI_Init_thread(int* argc, byte*** argv, int required, int* provided);

    [LibraryImport(Library)]
    public static partial int MPI_Finalize();

    [LibraryImport(Library)]
    public static partial int MPI_Comm_rank(int comm, int* rank);

    [LibraryImport(Library)]
    public static partial int MPI_Comm_size(int comm, int* size);

    [LibraryImport(Library)]
    public static partial int MPI_Comm_set_errhandler(int comm, int errhandler);

    [LibraryImport(Library)]
    public static partial int MPI_Allreduce(void* sendbuf, void* recvbuf, int count, int datatype, int op, int comm);

    [LibraryImport(Library)]
    public static partial int MPI_Allgatherv(void* sendbuf, int sendcount, int sendtype, void* recvbuf, int* recvcounts, int* displs, int recvtype, int comm);

    [LibraryImport(Library)]
    public static partial int MPI_Bcast(void* buffer, int count, int datatype, int root, int comm);

    [LibraryImport(Library)]
    public static partial int MPI_Barrier(int comm);

    [LibraryImport(Library)]
    public static partial int MPI_Ibarrier(int comm, int* request);

    [LibraryImport(Library)]
    public static partial int MPI_Test(int* request, int* flag, void* status);

    [LibraryImport(Library)]
    public static partial int MPI_Abort(int comm, int errorcode);

    [LibraryImport(Library)]
    public static partial int MPI_Error_string(int errorcode, byte* text, int* resultlen);

    [LibraryImport(Library)]
    public static partial int MPI_Get_library_version(byte* version, int* resultlen);
}

/// <summary>
/// Handle values from MPICH's <c>mpi.h</c> (4.0.2; stable across the <c>libmpich.so.12</c> ABI). They are kept as
/// <see cref="nint"/> so that a profile for Open MPI, whose handles are pointers to exported globals, can be added
/// beside this one without changing the callers.
/// </summary>
internal static class MpichAbi
{
    public const nint CommWorld = 0x44000000;
    public const nint Byte = 0x4c00010d;
    public const nint Float = 0x4c00040a;
    public const nint Double = 0x4c00080b;
    public const nint UInt64 = 0x4c00083e;
    public const nint Max = 0x58000001;
    public const nint Sum = 0x58000003;
    public const nint ErrorsReturn = 0x54000001;
    public const int ThreadSerialized = 2;
    public const int MaxErrorString = 512;
    public const int MaxLibraryVersionString = 8192;

    /// <summary>MPICH's <c>MPI_IN_PLACE</c>, <c>(void*)-1</c>.</summary>
    public static unsafe void* InPlace => (void*)-1;

    /// <summary>MPICH's <c>MPI_STATUS_IGNORE</c>, <c>(MPI_Status*)1</c>.</summary>
    public static unsafe void* StatusIgnore => (void*)1;

    /// <summary>The <c>int</c> MPICH's functions take for a handle.</summary>
    public static int Handle(nint handle) => (int)handle;
}
