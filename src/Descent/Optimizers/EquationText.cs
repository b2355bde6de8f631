using System.Text;

namespace Descent.Optimizers;

/// <summary>
/// Renders the equations of an <see cref="OptimizerDoc"/>: Unicode text with <c>_x</c>/<c>_{…}</c> for a subscript and
/// <c>^x</c>/<c>^{…}</c> for a superscript. A terminal gets Unicode sub- and superscript characters where every
/// character of the script has one (β_1 → β₁, β_1^t → β₁ᵗ) and the marks spelt out otherwise (0.96^(tψ)); HTML gets
/// <c>&lt;sub&gt;</c>/<c>&lt;sup&gt;</c> around escaped text.
/// </summary>
public static class EquationText
{
    private const string SubscriptFrom = "0123456789+−-=()aehijklmnoprstuvx";
    private const string SubscriptTo = "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ";
    private const string SuperscriptFrom = "0123456789+−-=()abcdefghijklmnoprstuvwxyz";
    private const string SuperscriptTo = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ";

    /// <summary>The equation for a terminal.</summary>
    /// <param name="math">The marked-up equation.</param>
    /// <returns>Plain Unicode.</returns>
    public static string ToUnicode(string math) => Render(math, static (script, superscript) =>
        Convert(script, superscript) ?? Spelt(script, superscript), static text => text);

    /// <summary>The equation as an HTML fragment (escaped; scripts in <c>&lt;sub&gt;</c>/<c>&lt;sup&gt;</c>).</summary>
    /// <param name="math">The marked-up equation.</param>
    /// <returns>HTML, safe to embed in an element.</returns>
    public static string ToHtml(string math) => Render(math, static (script, superscript) =>
        superscript ? $"<sup>{Escape(script)}</sup>" : $"<sub>{Escape(script)}</sub>", Escape);

    /// <summary>
    /// Escapes the five characters HTML gives a meaning to and nothing else: WebUtility.HtmlEncode also turns
    /// Latin-1 letters such as '·' and '½' into numeric entities, which a UTF-8 page does not need.
    /// </summary>
    /// <param name="text">Plain text.</param>
    /// <returns>The text, safe inside an element or a quoted attribute.</returns>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal)
            .Replace("'", "&#39;", StringComparison.Ordinal);
    }

    private static string Render(string math, Func<string, bool, string> script, Func<string, string> text)
    {
        ArgumentNullException.ThrowIfNull(math);
        var output = new StringBuilder(math.Length + 16);
        var plain = new StringBuilder();
        int i = 0;
        while (i < math.Length)
        {
            char c = math[i];
            if ((c is '_' or '^') && i + 1 < math.Length)
            {
                output.Append(text(plain.ToString()));
                plain.Clear();
                string body;
                if (math[i + 1] == '{')
                {
                    int close = math.IndexOf('}', i + 2);
                    if (close < 0)
                    {
                        throw new FormatException($"Unclosed '{{' after '{c}' at {i} in \"{math}\".");
                    }

                    body = math[(i + 2)..close];
                    i = close + 1;
                }
                else
                {
                    // A lone script takes one character plus any combining marks on it (v̂ is two chars).
                    int end = i + 2;
                    while (end < math.Length && char.GetUnicodeCategory(math[end]) == System.Globalization.UnicodeCategory.NonSpacingMark)
                    {
                        end++;
                    }

                    body = math[(i + 1)..end];
                    i = end;
                }

                output.Append(script(body, c == '^'));
                continue;
            }

            plain.Append(c);
            i++;
        }

        output.Append(text(plain.ToString()));
        return output.ToString();
    }

    /// <summary>
    /// A script with its mark spelt out: a subscript that is one word needs no brackets (ε_root, g_prev), anything else
    /// longer than a character does (0.96^(tψ)).
    /// </summary>
    private static string Spelt(string script, bool superscript) =>
        superscript ? "^" + (script.Length == 1 ? script : "(" + script + ")")
        : "_" + (script.All(char.IsLetterOrDigit) ? script : "(" + script + ")");

    /// <summary>The script in Unicode sub/superscript characters, or null when one has none (or it is too long to read so).</summary>
    private static string? Convert(string script, bool superscript)
    {
        if (script.Length is 0 or > 3)
        {
            return null;
        }

        string from = superscript ? SuperscriptFrom : SubscriptFrom;
        string to = superscript ? SuperscriptTo : SubscriptTo;
        var result = new StringBuilder(script.Length);
        foreach (char c in script)
        {
            int k = from.IndexOf(c, StringComparison.Ordinal);
            if (k < 0)
            {
                return null;
            }

            result.Append(to[k]);
        }

        return result.ToString();
    }
}
