using System.Diagnostics.CodeAnalysis;

namespace Descent.Data;

/// <summary>The element type code in the third byte of an IDX magic number.</summary>
/// <remarks>Multi-byte elements are stored big-endian, as the format specifies.</remarks>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Each member names the .NET type the IDX code stands for.")]
public enum IdxElementType : byte
{
    /// <summary>Unsigned byte (code 0x08): MNIST's images and labels.</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed byte (code 0x09).</summary>
    SignedByte = 0x09,

    /// <summary>Big-endian 16-bit integer (code 0x0B).</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit integer (code 0x0C).</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian IEEE 754 single (code 0x0D).</summary>
    Single = 0x0D,

    /// <summary>Big-endian IEEE 754 double (code 0x0E).</summary>
    Double = 0x0E,
}
