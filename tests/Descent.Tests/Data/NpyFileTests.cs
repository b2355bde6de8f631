using System.Text;
using Descent.Data;

namespace Descent.Tests.Data;

public sealed class NpyFileTests
{
    internal static byte[] NumPyBytes(string descr, string shape, byte[] data, bool fortran = false, byte major = 1) =>
        Testing.NpyBytes.Create(descr, shape, data, fortran, major);

    private static NpyArray Read(byte[] bytes) => NpyFile.Read(new MemoryStream(bytes), "x.npy");

    private static DataFormatException Bad(byte[] bytes) => Assert.Throws<DataFormatException>(() => Read(bytes));

    private static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    [Fact]
    public void NumPysLayout_IsRead_WithShapeTypeAndValues()
    {
        var array = Read(NumPyBytes("<f4", "(2, 3)", Floats(0, 1, 2, 3, 4, 5.5f)));

        Assert.Equal(NpyElementType.Float32, array.ElementType);
        Assert.Equal([2, 3], array.Shape.ToArray());
        Assert.Equal("(2, 3)", array.ShapeText);
        Assert.Equal([0.0, 1, 2, 3, 4, 5.5], array.ToArray<double>());
    }

    [Fact]
    public void EveryType_AndBothByteOrders_AndVersions2And3_AreRead()
    {
        Assert.Equal([7.0, 255], Read(NumPyBytes("|u1", "(2,)", [7, 255])).ToArray<double>());
        Assert.Equal([-3.0, 70000], Read(NumPyBytes("<i4", "(2,)", [.. BitConverter.GetBytes(-3), .. BitConverter.GetBytes(70000)])).ToArray<double>());
        Assert.Equal([-5.0, 1L << 40], Read(NumPyBytes("<i8", "(2,)", [.. BitConverter.GetBytes(-5L), .. BitConverter.GetBytes(1L << 40)])).ToArray<double>());
        Assert.Equal([0.1, -2.5], Read(NumPyBytes("<f8", "(2,)", [.. BitConverter.GetBytes(0.1), .. BitConverter.GetBytes(-2.5)], major: 2)).ToArray<double>());
        Assert.Equal([1.5, -2.0], Read(NumPyBytes("<f4", "(2,)", Floats(1.5f, -2f), major: 3)).ToArray<double>());

        byte[] bigEndian = [.. BitConverter.GetBytes(258).Reverse(), .. BitConverter.GetBytes(-1).Reverse()];
        Assert.Equal([258.0, -1], Read(NumPyBytes(">i4", "(2,)", bigEndian)).ToArray<double>());
    }

    [Fact]
    public void Write_ThenRead_RoundTrips_AndAlignsTheDataTo64Bytes()
    {
        var array = new NpyArray(NpyElementType.Float64, [3, 1], [.. new[] { 1.0, -2.0, 3.25 }.SelectMany(BitConverter.GetBytes)]);
        using var stream = new MemoryStream();
        NpyFile.Write(stream, array);
        byte[] bytes = stream.ToArray();

        Assert.Equal(0, (bytes.Length - 24) % 64);
        var back = Read(bytes);
        Assert.Equal(NpyElementType.Float64, back.ElementType);
        Assert.Equal([3, 1], back.Shape.ToArray());
        Assert.Equal([1.0, -2.0, 3.25], back.ToArray<double>());
    }

    public static TheoryData<string, byte[], string> Malformed()
    {
        byte[] good = NumPyBytes("<f4", "(2, 3)", Floats(0, 1, 2, 3, 4, 5));
        return new()
        {
            { "empty", [], "an empty file" },
            { "not npy", Encoding.ASCII.GetBytes("a,b\n1,2\n"), "the .npy magic \\x93NUMPY at offset 0, but found 0x61 0x2C 0x62" },
            { "npz", [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0], "a zip archive (an .npz file" },
            { "version 4", [.. good[..6], 4, 0, .. good[8..]], "format version 1.0, 2.0 or 3.0 at offset 6, but found version 4.0" },
            { "header cut", good[..40], "a header of 118 bytes at offset 10, but found a file of 40 bytes (truncated" },
            { "data cut", good[..^5], "24 data bytes for shape (2, 3) of float32 at offset 128, but found only 19 (the file ends at offset 147: truncated)" },
            { "extra data", [.. good, 0], "but found 25 (1 extra bytes after the data)" },
            { "float16", NumPyBytes("<f2", "(2,)", [0, 0, 0, 0]), "'descr' float32, float64, uint8, int32 or int64 ('<f4', '<f8', '|u1', '<i4', '<i8'), but found '<f2' (a float of another size)" },
            { "bool", NumPyBytes("|b1", "(2,)", [0, 1]), "found '|b1' (bool)" },
            { "objects", NumPyBytes("|O", "(2,)", new byte[16]), "found '|O' (Python objects)" },
            { "fortran", NumPyBytes("<f4", "(2, 3)", Floats(0, 1, 2, 3, 4, 5), fortran: true), "'fortran_order': False (C order), but found 'fortran_order': True" },
            { "structured", Header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}"), "a structured dtype" },
            { "bad shape", NumPyBytes("<f4", "(2, x)", Floats(0, 1)), "a dimension size from 0 to 2147483647 in the header at offset" },
            { "no shape", Header("{'descr': '<f4', 'fortran_order': False}"), "a header dict with the key 'shape'" },
        };
    }

    private static byte[] Header(string dict)
    {
        string header = dict + "\n";
        return [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, .. BitConverter.GetBytes((ushort)header.Length), .. Encoding.ASCII.GetBytes(header)];
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedFiles_NameTheFile_WhereAndWhatWasExpected(string what, byte[] bytes, string message)
    {
        var error = Bad(bytes);

        Assert.StartsWith("x.npy: expected ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        _ = what;
    }

    [Fact]
    public void AHeaderClaimingHugeData_FailsBeforeAllocatingIt_OnAStreamOfUnknownLength()
    {
        byte[] bytes = NumPyBytes("<f8", "(100000, 100000)", Floats(1, 2));
        using var stream = new UnseekableStream(bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<DataFormatException>(() => NpyFile.Read(stream, "huge.npy"));

        Assert.Contains("at most", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000);
    }

    [Fact]
    public void ATruncatedStreamOfUnknownLength_SaysHowMuchArrived()
    {
        byte[] bytes = NumPyBytes("<f4", "(1000,)", Floats(1, 2, 3));
        using var stream = new UnseekableStream(bytes);

        var error = Assert.Throws<DataFormatException>(() => NpyFile.Read(stream, "cut.npy"));

        Assert.Contains("4000 data bytes for shape (1000,) of float32 at offset 128, but found only 12 (truncated)", error.Message, StringComparison.Ordinal);
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
