namespace Descent.Data;

/// <summary>Which label encoding a <see cref="MiniBatch{T}"/> carries besides the integer labels.</summary>
public enum LabelEncoding
{
    /// <summary>Integer class labels only.</summary>
    ClassIndex,

    /// <summary>Integer labels and one-hot rows <c>[batch, classes]</c> (the book's <c>one_hot_label=True</c>).</summary>
    OneHot,
}
