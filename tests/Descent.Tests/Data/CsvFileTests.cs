using Descent.Data;

namespace Descent.Tests.Data;

public sealed class CsvFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CsvTable Read(string text, string label = "y") => CsvFile.Read(new StringReader(text), "data.csv", label);

    [Fact]
    public void FeaturesAndLabels_AreRead_LabelColumnAnywhere()
    {
        var table = Read("a, y ,b\n1.5,cat,-2e-3\n\n\"3\",\"dog, big\",4\r\n", "y");

        Assert.Equal(["a", "b"], table.FeatureNames);
        Assert.Equal([1.5, -2e-3, 3, 4], table.Features);
        Assert.Equal(["cat", "dog, big"], table.Labels);
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void AFileWithAByteOrderMark_IsRead()
    {
        string path = Path.Combine(_dir, "bom.csv");
        File.WriteAllText(path, "x,label\n1,0\n2,1\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var table = CsvFile.Read(path, "label");

        Assert.Equal(["x"], table.FeatureNames);
        Assert.Equal(["0", "1"], table.Labels);
    }

    [Theory]
    [InlineData("", "a header row naming the columns, but found an empty file")]
    [InlineData("a,b\n1,2\n", "a label column 'y' in the header (line 1), but found the columns a, b")]
    [InlineData("y\n1\n", "at least one feature column besides the label 'y' (line 1)")]
    [InlineData("a,y\n", "at least one data row after the header (line 1), but found none")]
    [InlineData("a,y,a\n1,2,3\n", "distinct column names in the header (line 1), but found 'a' in columns 1 and 3")]
    [InlineData("a,,y\n1,2,3\n", "a name for every column in the header (line 1), but found column 2 unnamed")]
    [InlineData("a,b,y\n1,2,0\n3,4\n", "3 fields on line 3 (as in the header), but found 2 (a ragged row)")]
    [InlineData("a,b,y\n1,2,0\n3,4,1,5\n", "3 fields on line 3 (as in the header), but found 4 (a ragged row)")]
    [InlineData("a,b,y\n1,2,0\n\n3,abc,1\n", "a finite number on line 4, column 2 ('b'), but found 'abc'")]
    [InlineData("a,b,y\n1,,0\n", "a finite number on line 2, column 2 ('b'), but found an empty cell")]
    [InlineData("a,b,y\n1,nan,0\n", "a finite number on line 2, column 2 ('b'), but found 'nan'")]
    [InlineData("a,b,y\n1,1e999,0\n", "a finite number on line 2, column 2 ('b'), but found '1e999'")]
    [InlineData("a,b,y\n1,\"2,0\n", "a closing quote for the field opened on line 2, character 3")]
    [InlineData("a,b,y\n1,2,\n", "a label on line 2, column 'y', but found an empty cell")]
    public void MalformedFiles_NameTheFile_TheLineAndColumn_AndWhatWasExpected(string text, string message)
    {
        var error = Assert.Throws<DataFormatException>(() => Read(text));

        Assert.StartsWith("data.csv: expected " + message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ATruncatedFile_CutMidRow_IsARaggedRow_OnItsLastLine()
    {
        string whole = "a,b,y\n1,2,0\n3,4,1\n";
        var error = Assert.Throws<DataFormatException>(() => Read(whole[..^4]));

        Assert.Equal("data.csv: expected 3 fields on line 3 (as in the header), but found 2 (a ragged row).", error.Message);
    }

    [Fact]
    public void IntegerLabels_AreClassIndices_TextLabels_AreSortedNames()
    {
        var indices = ClassLabels.FromText(("a.csv", ["2", "0", "2.0"]));
        Assert.True(indices.AreIndices);
        Assert.Equal(3, indices.Count);
        Assert.Equal([2, 0, 2], indices.Encode(["2", "0", "2.0"]));

        var names = ClassLabels.FromText(("train.csv", ["dog", "cat"]), ("test.csv", ["eel", "cat"]));
        Assert.Equal(["cat", "dog", "eel"], names.Names);
        Assert.Equal([1, 0], names.Encode(["dog", "cat"]));
        Assert.Equal([2, 0], names.Encode(["eel", "cat"]));

        var negative = Assert.Throws<DataFormatException>(() => ClassLabels.FromText(("a.csv", ["1", "-1"])));
        Assert.Equal("a.csv: expected integer labels to be class indices from 0 to 9999, but found -1 (label 2).", negative.Message);
    }

    [Fact]
    public void TabularCsv_TestFileWithOtherColumns_IsRefused_NamingBoth()
    {
        string train = Path.Combine(_dir, "train.csv"), test = Path.Combine(_dir, "test.csv");
        File.WriteAllText(train, "a,b,y\n1,2,x\n");
        File.WriteAllText(test, "a,c,y\n1,2,x\n");

        var error = Assert.Throws<DataFormatException>(() => TabularData.ReadCsv(train, test, "y"));

        Assert.Equal($"{test}: expected the training file's feature columns (a, b), but found a, c.", error.Message);
    }

    [Fact]
    public void TabularNpy_LabelsMustMatchTheRows()
    {
        string x = Path.Combine(_dir, "x.npy"), y = Path.Combine(_dir, "y.npy");
        File.WriteAllBytes(x, NpyFileTests.NumPyBytes("<f8", "(3, 2)", [.. new double[] { 1, 2, 3, 4, 5, 6 }.SelectMany(BitConverter.GetBytes)]));
        File.WriteAllBytes(y, NpyFileTests.NumPyBytes("<i8", "(2,)", [.. new long[] { 0, 1 }.SelectMany(BitConverter.GetBytes)]));

        var error = Assert.Throws<DataFormatException>(() => TabularData.ReadNpy(x, y, null, null));
        Assert.Equal($"{y}: expected 3 labels, one per row of {x}, but found 2.", error.Message);

        File.WriteAllBytes(y, NpyFileTests.NumPyBytes("<f4", "(3,)", [.. new float[] { 0, 1.5f, 1 }.SelectMany(BitConverter.GetBytes)]));
        error = Assert.Throws<DataFormatException>(() => TabularData.ReadNpy(x, y, null, null));
        Assert.Equal($"{y}: expected whole-number class indices, but found 1.5 at index 1.", error.Message);

        File.WriteAllBytes(y, NpyFileTests.NumPyBytes("|u1", "(3, 1)", [2, 0, 1]));
        var data = TabularData.ReadNpy(x, y, null, null);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal([2, 0, 1], data.TrainLabels);
        Assert.Equal(3, data.Classes.Count);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], data.TrainFeatures);
    }
}
