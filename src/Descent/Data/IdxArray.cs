using System.Buffers.Binary;
using System.Numerics;

namespace Descent.Data;

/// <summary>
/// The contents of one IDX file: an element type, a shape, and the elements in row-major order,
/// kept exactly as the file stores them (big-endian for multi-byte types).
/// </summary>
public sealed class IdxArray
{
    private readonly int[] _shape;
    private readonly byte[] _data;

    /// <summary>Creates an array from big-endian element bytes.</summary>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The dimension sizes (1 to 255 of them, each ≥ 0).</param>
    /// <param name="bigEndianData">The elements, row-major, big-endian; its length must be the shape's product times the element size. Not copied.</param>
    /// <exception cref="ArgumentException">The type is unknown, the shape is invalid, or the length does not match.</exception>
    public IdxArray(IdxElementType elementType, int[] shape, byte[] bigEndianData)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(bigEndianData);
        if (!Enum.IsDefined(elementType))
        {
            throw new ArgumentException($"Unknown IDX element type 0x{(byte)elementType:X2}; allowed: 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E.", nameof(elementType));
        }

        if (shape.Length is < 1 or > IdxFile.MaxDimensions)
        {
            throw new ArgumentException($"An IDX array has 1 to {IdxFile.MaxDimensions} dimensions; got {shape.Length}.", nameof(shape));
        }

        long count = 1;
        foreach (int size in shape)
        {
            if (size < 0)
            {
                throw new ArgumentException($"Dimension sizes must be ≥ 0; got [{string.Join(", ", shape)}].", nameof(shape));
            }

            count *= size;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"The shape [{string.Join(", ", shape)}] holds more elements than an array can.", nameof(shape));
            }
        }

        long expected = count * IdxFile.SizeOf(elementType);
        if (bigEndianData.LongLength != expected)
        {
            throw new ArgumentException(
                $"Shape [{string.Join(", ", shape)}] of {elementType} needs {expected} bytes; got {bigEndianData.LongLength}.",
                nameof(bigEndianData));
        }

        ElementType = elementType;
        _shape = (int[])shape.Clone();
        _data = bigEndianData;
        Count = count;
    }

    /// <summary>The element type.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>The dimension sizes, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of elements (the product of the shape).</summary>
    public long Count { get; }

    /// <summary>The elements as stored: row-major and big-endian. For <see cref="IdxElementType.UnsignedByte"/> these are the values.</summary>
    public ReadOnlySpan<byte> RawData => _data;

    /// <summary>The underlying element bytes, shared, not copied; callers promise not to modify them.</summary>
    internal byte[] RawArray => _data;

    /// <summary>Wraps unsigned bytes (MNIST's images and labels) as an IDX array.</summary>
    /// <param name="values">The values, row-major. Not copied.</param>
    /// <param name="shape">The dimension sizes; their product must equal the length.</param>
    /// <returns>The array.</returns>
    public static IdxArray FromBytes(byte[] values, params int[] shape) => new(IdxElementType.UnsignedByte, shape, values);

    /// <summary>Encodes numbers of a multi-byte IDX type (or bytes) as an IDX array.</summary>
    /// <typeparam name="T"><see cref="byte"/>, <see cref="sbyte"/>, <see cref="short"/>, <see cref="int"/>, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The values, row-major.</param>
    /// <param name="shape">The dimension sizes; their product must equal the length.</param>
    /// <returns>The array, with the element type that matches <typeparamref name="T"/>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no IDX type.</exception>
    public static IdxArray FromValues<T>(ReadOnlySpan<T> values, params int[] shape)
        where T : unmanaged, INumberBase<T>
    {
        IdxElementType type = typeof(T) == typeof(byte) ? IdxElementType.UnsignedByte
            : typeof(T) == typeof(sbyte) ? IdxElementType.SignedByte
            : typeof(T) == typeof(short) ? IdxElementType.Int16
            : typeof(T) == typeof(int) ? IdxElementType.Int32
            : typeof(T) == typeof(float) ? IdxElementType.Single
            : typeof(T) == typeof(double) ? IdxElementType.Double
            : throw new NotSupportedException($"IDX has no element type for {typeof(T).Name}; use byte, sbyte, short, int, float or double.");
        int size = IdxFile.SizeOf(type);
        var data = new byte[(long)values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> slot = data.AsSpan(i * size, size);
            switch (type)
            {
                case IdxElementType.UnsignedByte: slot[0] = byte.CreateTruncating(values[i]); break;
                case IdxElementType.SignedByte: slot[0] = (byte)sbyte.CreateTruncating(values[i]); break;
                case IdxElementType.Int16: BinaryPrimitives.WriteInt16BigEndian(slot, short.CreateTruncating(values[i])); break;
                case IdxElementType.Int32: BinaryPrimitives.WriteInt32BigEndian(slot, int.CreateTruncating(values[i])); break;
                case IdxElementType.Single: BinaryPrimitives.WriteSingleBigEndian(slot, float.CreateTruncating(values[i])); break;
                default: BinaryPrimitives.WriteDoubleBigEndian(slot, double.CreateTruncating(values[i])); break;
            }
        }

        return new IdxArray(type, shape, data);
    }

    /// <summary>Decodes every element and converts it to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The number type wanted, e.g. <see cref="double"/>.</typeparam>
    /// <returns>The values, row-major.</returns>
    public T[] ToArray<T>()
        where T : INumberBase<T>
    {
        var result = new T[Count];
        int size = IdxFile.SizeOf(ElementType);
        for (int i = 0; i < result.Length; i++)
        {
            ReadOnlySpan<byte> slot = _data.AsSpan(i * size, size);
            result[i] = ElementType switch
            {
                IdxElementType.UnsignedByte => T.CreateChecked(slot[0]),
                IdxElementType.SignedByte => T.CreateChecked((sbyte)slot[0]),
                IdxElementType.Int16 => T.CreateChecked(BinaryPrimitives.ReadInt16BigEndian(slot)),
                IdxElementType.Int32 => T.CreateChecked(BinaryPrimitives.ReadInt32BigEndian(slot)),
                IdxElementType.Single => T.CreateChecked(BinaryPrimitives.ReadSingleBigEndian(slot)),
                _ => T.CreateChecked(BinaryPrimitives.ReadDoubleBigEndian(slot)),
            };
        }

        return result;
    }
}
