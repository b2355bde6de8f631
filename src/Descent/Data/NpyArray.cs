using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace Descent.Data;

/// <summary>The element types <see cref="NpyFile"/> reads (NumPy's <c>descr</c> codes in brackets).</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Each member is NumPy's dtype name.")]
public enum NpyElementType
{
    /// <summary><c>uint8</c> (<c>|u1</c>).</summary>
    UInt8,

    /// <summary><c>int32</c> (<c>&lt;i4</c>).</summary>
    Int32,

    /// <summary><c>int64</c> (<c>&lt;i8</c>).</summary>
    Int64,

    /// <summary><c>float32</c> (<c>&lt;f4</c>).</summary>
    Float32,

    /// <summary><c>float64</c> (<c>&lt;f8</c>).</summary>
    Float64,
}

/// <summary>
/// The contents of one NumPy <c>.npy</c> file: an element type, a shape (C order), and the elements as stored,
/// converted to little-endian.
/// </summary>
public sealed class NpyArray
{
    private readonly int[] _shape;
    private readonly byte[] _data;

    /// <summary>Creates an array from little-endian element bytes (not copied).</summary>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The dimension sizes, C order; empty for a 0-d array (one element).</param>
    /// <param name="littleEndianData">The elements, row-major, little-endian; the shape's product times the element size.</param>
    /// <exception cref="ArgumentException">The type is unknown, a size is negative, or the length does not match.</exception>
    public NpyArray(NpyElementType elementType, int[] shape, byte[] littleEndianData)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(littleEndianData);
        if (!Enum.IsDefined(elementType))
        {
            throw new ArgumentException($"Unknown element type {(int)elementType}; allowed: {string.Join(", ", Enum.GetNames<NpyElementType>())}.", nameof(elementType));
        }

        long count = 1;
        foreach (int size in shape)
        {
            if (size < 0)
            {
                throw new ArgumentException($"Dimension sizes must be ≥ 0; got ({string.Join(", ", shape)}).", nameof(shape));
            }

            count *= size;
        }

        if (count * SizeOf(elementType) != littleEndianData.LongLength)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) of {elementType} needs {count * SizeOf(elementType)} bytes; got {littleEndianData.LongLength}.", nameof(littleEndianData));
        }

        ElementType = elementType;
        _shape = (int[])shape.Clone();
        _data = littleEndianData;
        Count = count;
    }

    /// <summary>The element type.</summary>
    public NpyElementType ElementType { get; }

    /// <summary>The dimension sizes, C order (row-major).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of elements.</summary>
    public long Count { get; }

    /// <summary>The raw little-endian element bytes.</summary>
    public ReadOnlySpan<byte> RawData => _data;

    /// <summary>NumPy's name of the element type: <c>uint8</c>, <c>int32</c>, <c>int64</c>, <c>float32</c> or <c>float64</c>.</summary>
    public string TypeName => TypeNameOf(ElementType);

    /// <summary>The shape as NumPy prints it, e.g. <c>(150, 4)</c> or <c>(3,)</c>.</summary>
    public string ShapeText => ShapeTextOf(_shape);

    /// <summary>One element as a double (exact for every type but <c>int64</c> beyond 2⁵³).</summary>
    /// <param name="index">The flat (row-major) index.</param>
    /// <returns>The element's value.</returns>
    public double this[long index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            ReadOnlySpan<byte> at = _data.AsSpan(checked((int)(index * SizeOf(ElementType))));
            return ElementType switch
            {
                NpyElementType.UInt8 => at[0],
                NpyElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(at),
                NpyElementType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(at),
                NpyElementType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(at),
                _ => BinaryPrimitives.ReadDoubleLittleEndian(at),
            };
        }
    }

    /// <summary>All elements converted to <typeparamref name="T"/>, row-major.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>A new array of <see cref="Count"/> elements.</returns>
    public T[] ToArray<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[Count];
        for (long i = 0; i < result.LongLength; i++)
        {
            result[i] = T.CreateChecked(this[i]);
        }

        return result;
    }

    /// <summary>The size in bytes of one element.</summary>
    /// <param name="type">The element type.</param>
    /// <returns>1, 4 or 8.</returns>
    public static int SizeOf(NpyElementType type) => type switch
    {
        NpyElementType.UInt8 => 1,
        NpyElementType.Int32 or NpyElementType.Float32 => 4,
        NpyElementType.Int64 or NpyElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };

    internal static string TypeNameOf(NpyElementType type) => type switch
    {
        NpyElementType.UInt8 => "uint8",
        NpyElementType.Int32 => "int32",
        NpyElementType.Int64 => "int64",
        NpyElementType.Float32 => "float32",
        _ => "float64",
    };

    internal static string ShapeTextOf(ReadOnlySpan<int> shape) => shape.Length == 1
        ? string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)")
        : "(" + string.Join(", ", shape.ToArray()) + ")";
}
