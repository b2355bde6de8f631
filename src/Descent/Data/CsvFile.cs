using System.Globalization;
using System.Text;

namespace Descent.Data;

/// <summary>
/// A table read from a CSV file for classification: numeric feature columns, row-major, and one label column
/// kept as text (see <see cref="ClassLabels"/> for turning labels into class indices).
/// </summary>
/// <param name="FeatureNames">The feature columns' names, in file order (the label column left out).</param>
/// <param name="Features">The features, row-major <c>[Count, FeatureNames.Count]</c>.</param>
/// <param name="Labels">Each row's label, as written (trimmed).</param>
public sealed record CsvTable(IReadOnlyList<string> FeatureNames, double[] Features, string[] Labels)
{
    /// <summary>The number of rows (examples).</summary>
    public int Count => Labels.Length;

    /// <summary>Features per row.</summary>
    public int FeatureCount => FeatureNames.Count;
}

/// <summary>
/// Reads CSV files (RFC 4180: comma-separated, a header row, fields optionally in double quotes with <c>""</c> for a
/// quote) holding numeric features and one label column.
/// </summary>
/// <remarks>
/// Blank lines are skipped. Every other row must have as many fields as the header; every feature cell must be a
/// finite number in invariant notation (<c>1.5</c>, <c>-2e-3</c>). A violation raises
/// <see cref="DataFormatException"/> naming the file, the line (1-based, as an editor counts), the column and what
/// was expected — the first one found, so the message stays one line.
/// </remarks>
public static class CsvFile
{
    /// <summary>Reads a CSV file.</summary>
    /// <param name="path">The file (UTF-8, with or without a byte-order mark).</param>
    /// <param name="labelColumn">The label column's name, as in the header (case-sensitive).</param>
    /// <returns>The table.</returns>
    /// <exception cref="DataFormatException">The file is not a table of that form.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static CsvTable Read(string path, string labelColumn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, labelColumn);
    }

    /// <summary>Reads CSV text.</summary>
    /// <param name="reader">The text; read to its end, not disposed.</param>
    /// <param name="sourceName">The name error messages give the data, e.g. its file name.</param>
    /// <param name="labelColumn">The label column's name, as in the header (case-sensitive).</param>
    /// <returns>The table.</returns>
    /// <exception cref="DataFormatException">The text is not a table of that form.</exception>
    public static CsvTable Read(TextReader reader, string sourceName, string labelColumn)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumn);

        int line = 0;
        string? text;
        List<string>? header = null;
        while (header is null && (text = reader.ReadLine()) is not null)
        {
            line++;
            if (text.Trim().Length > 0)
            {
                header = Split(text, sourceName, line);
            }
        }

        if (header is null)
        {
            throw new DataFormatException(sourceName, "a header row naming the columns", "an empty file");
        }

        int headerLine = line;
        for (int c = 0; c < header.Count; c++)
        {
            if (header[c].Length == 0)
            {
                throw new DataFormatException(sourceName, $"a name for every column in the header (line {headerLine})", $"column {c + 1} unnamed");
            }

            int first = header.IndexOf(header[c]);
            if (first < c)
            {
                throw new DataFormatException(sourceName, $"distinct column names in the header (line {headerLine})", $"'{header[c]}' in columns {first + 1} and {c + 1}");
            }
        }

        int label = header.IndexOf(labelColumn);
        if (label < 0)
        {
            throw new DataFormatException(sourceName, $"a label column '{labelColumn}' in the header (line {headerLine})", $"the columns {string.Join(", ", header)}");
        }

        if (header.Count < 2)
        {
            throw new DataFormatException(sourceName, $"at least one feature column besides the label '{labelColumn}' (line {headerLine})", "only the label column");
        }

        string[] featureNames = [.. header.Where((_, c) => c != label)];
        var features = new List<double>();
        var labels = new List<string>();
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            var fields = Split(text, sourceName, line);
            if (fields.Count != header.Count)
            {
                throw new DataFormatException(sourceName, $"{header.Count} fields on line {line} (as in the header)", $"{fields.Count} (a ragged row)");
            }

            for (int c = 0; c < fields.Count; c++)
            {
                if (c == label)
                {
                    if (fields[c].Length == 0)
                    {
                        throw new DataFormatException(sourceName, $"a label on line {line}, column '{header[c]}'", "an empty cell");
                    }

                    labels.Add(fields[c]);
                    continue;
                }

                string cell = fields[c];
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                {
                    string found = cell.Length == 0 ? "an empty cell" : $"'{Shorten(cell)}'";
                    throw new DataFormatException(sourceName, $"a finite number on line {line}, column {c + 1} ('{header[c]}')", found);
                }

                features.Add(value);
            }
        }

        if (labels.Count == 0)
        {
            throw new DataFormatException(sourceName, $"at least one data row after the header (line {headerLine})", "none");
        }

        return new CsvTable(featureNames, [.. features], [.. labels]);
    }

    /// <summary>Splits one line into trimmed fields, honouring double quotes.</summary>
    private static List<string> Split(string text, string name, int line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            while (i < text.Length && text[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < text.Length && text[i] == '"')
            {
                int open = i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new DataFormatException(name, $"a closing quote for the field opened on line {line}, character {open + 1}", "the end of the line (fields spanning lines are not supported)");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                while (i < text.Length && text[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < text.Length && text[i] != ',')
                {
                    throw new DataFormatException(name, $"a comma after the quoted field on line {line}, character {i + 1}", $"'{text[i]}'");
                }

                fields.Add(field.ToString());
            }
            else
            {
                int end = text.IndexOf(',', i);
                fields.Add(text[i..(end < 0 ? text.Length : end)].Trim());
                i = end < 0 ? text.Length : end;
            }

            if (i >= text.Length)
            {
                return fields;
            }

            i++; // the comma
            if (i == text.Length)
            {
                fields.Add(string.Empty);
                return fields;
            }
        }
    }

    private static string Shorten(string cell) => cell.Length <= 24 ? cell : cell[..21] + "...";
}
