using System.Text;

namespace Descent.Testing;

/// <summary>
/// A .npy file byte for byte as NumPy's <c>np.save</c> lays it out (written here, not by our writer, so the reader is
/// tested against the format rather than against itself): magic, version, header length, the header dict padded with
/// spaces so the data starts on a 64-byte boundary and ending in a newline, then the data.
/// </summary>
internal static class NpyBytes
{
    public static byte[] Create(string descr, string shape, byte[] data, bool fortran = false, byte major = 1)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int lengthBytes = major == 1 ? 2 : 4;
        int unpadded = 8 + lengthBytes + dict.Length + 1;
        string header = dict + new string(' ', (64 - (unpadded % 64)) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return [.. bytes];
    }
}
