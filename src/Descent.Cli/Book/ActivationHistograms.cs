using System.Numerics;
using System.Text.Json.Nodes;
using Descent.Numerics;
using Descent.Randomness;

namespace Descent.Cli.Book;

/// <summary>
/// ch06/weight_init_activation_histogram.py (figures 6-10, 6-11, 6-13, 6-14): 1000 Gaussian inputs of 100 features
/// through 5 bias-free layers of 100, for each of the script's 4 weight lines × 3 activation lines, each variant from
/// <c>np.random.seed(0)</c>; per layer the script's <c>plt.hist(a.flatten(), 30, range=(0, 1))</c> counts and summary statistics.
/// </summary>
internal static class ActivationHistograms
{
    public const int Rows = 1000, Nodes = 100, Layers = 5, Bins = 30;

    /// <summary>The script's weight lines: label, scale, NumPy expression.</summary>
    public static readonly (string Init, double Scale, string Expression)[] Inits =
    [
        ("std=1", 1, "np.random.randn(100, 100) * 1"),
        ("std=0.01", 0.01, "np.random.randn(100, 100) * 0.01"),
        ("Xavier", Math.Sqrt(1.0 / Nodes), "np.random.randn(100, 100) * np.sqrt(1.0 / node_num)"),
        ("He", Math.Sqrt(2.0 / Nodes), "np.random.randn(100, 100) * np.sqrt(2.0 / node_num)"),
    ];

    public static readonly string[] Activations = ["sigmoid", "ReLU", "tanh"];

    /// <summary>Which variants the book prints, and where.</summary>
    public static string? BookFigure(string name) => name switch
    {
        "std=1/sigmoid" => "fig 6-10",
        "std=0.01/sigmoid" => "fig 6-11",
        "Xavier/sigmoid" => "fig 6-13",
        "Xavier/tanh" => "text after fig 6-13 (tanh variant)",
        "std=0.01/ReLU" => "fig 6-14 (top)",
        "Xavier/ReLU" => "fig 6-14 (middle)",
        "He/ReLU" => "fig 6-14 (bottom)",
        _ => null,
    };

    public static JsonObject Run<T>(BookSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var edges = BinEdges();
        var variants = new JsonArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (string activation in Activations)
        {
            foreach (var (init, scale, expression) in Inits)
            {
                variants.Add(Variant<T>(init, scale, expression, activation, edges, settings.Gemm));
            }
        }

        return new JsonObject
        {
            ["meta"] = new JsonObject
            {
                ["producer"] = "descent book activations (Descent.Cli)",
                ["mode"] = settings.ReproduceBook ? "--reproduce-book: NumPy stream seed 0, float64, reference-BLAS order" : settings.Precision,
                ["seconds"] = clock.Elapsed.TotalSeconds,
                ["created"] = Lab.RunOutput.Now(),
            },
            ["source"] = "book ch06/weight_init_activation_histogram.py",
            ["seed"] = 0,
            ["input_shape"] = BookJson.Integers([Rows, Nodes]),
            ["node_num"] = Nodes,
            ["hidden_layer_size"] = Layers,
            ["bins"] = Bins,
            ["range"] = BookJson.Numbers([0, 1]),
            ["bin_edges"] = BookJson.Numbers(edges),
            ["variants"] = variants,
        };
    }

    /// <summary><c>np.linspace(0, 1, 31)</c>: <c>i · (1/30)</c>, the last edge exactly 1.</summary>
    public static double[] BinEdges()
    {
        var edges = new double[Bins + 1];
        double step = 1.0 / Bins;
        for (int i = 0; i < Bins; i++)
        {
            edges[i] = i * step;
        }

        edges[Bins] = 1;
        return edges;
    }

    private static JsonObject Variant<T>(string init, double scale, string expression, string activation, double[] edges, GemmContext gemm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new MersenneTwister(0);
        var x = Draw<T>(random, Rows * Nodes, 1);
        var input = x[..4];
        var a = new T[Rows * Nodes];
        var layers = new JsonArray();
        for (int layer = 1; layer <= Layers; layer++)
        {
            var w = Draw<T>(random, Nodes * Nodes, scale);
            Gemm.Multiply<T>(x, w, a, Rows, Nodes, Nodes, false, false, T.One, T.Zero, gemm);
            var z = new T[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                z[i] = activation switch
                {
                    "sigmoid" => T.One / (T.One + T.Exp(-a[i])),
                    "ReLU" => T.Max(T.Zero, a[i]),
                    _ => T.Tanh(a[i]),
                };
            }

            layers.Add(Layer(layer, z, edges));
            x = z;
        }

        string name = $"{init}/{activation}";
        return new JsonObject
        {
            ["name"] = name,
            ["init"] = init,
            ["w_expr"] = expression,
            ["activation"] = activation,
            ["book_figure"] = BookFigure(name),
            ["layers"] = layers,
            ["check"] = new JsonObject { ["input_data[0,:4]"] = BookJson.Numbers(input.Select(v => double.CreateChecked(v))) },
        };
    }

    // `np.random.randn(n) * scale`: the product is formed in double, then stored in T.
    private static T[] Draw<T>(MersenneTwister random, int count, double scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = T.CreateTruncating(random.NextStandardNormal() * scale);
        }

        return values;
    }

    private static JsonObject Layer<T>(int layer, T[] z, double[] edges)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = Array.ConvertAll(z, v => double.CreateChecked(v));
        var counts = Histogram(values, edges);
        double mean = NumPySum.Pairwise(values) / values.Length;
        var squares = Array.ConvertAll(values, v => (v - mean) * (v - mean));
        double std = Math.Sqrt(NumPySum.Pairwise(squares) / values.Length);
        return new JsonObject
        {
            ["layer"] = layer,
            ["counts"] = BookJson.Integers(counts),
            ["n_values"] = values.Length,
            ["n_below_0"] = values.Count(v => v < 0),
            ["n_above_1"] = values.Count(v => v > 1),
            ["n_exactly_0"] = values.Count(v => v == 0),
            ["mean"] = mean,
            ["std"] = std,
            ["min"] = values.Min(),
            ["max"] = values.Max(),
            ["first_values [0,:4]"] = BookJson.Numbers(values[..4]),
        };
    }

    /// <summary>
    /// <c>np.histogram(a, 30, range=(0, 1))</c>: values outside [0, 1] are dropped, the bin is <c>floor(30·v)</c>
    /// corrected against the edges as NumPy corrects it, and the last bin is closed.
    /// </summary>
    public static int[] Histogram(double[] values, double[] edges)
    {
        int bins = edges.Length - 1;
        var counts = new int[bins];
        double norm = bins / (edges[^1] - edges[0]);
        foreach (double v in values)
        {
            if (!(v >= edges[0] && v <= edges[^1]))
            {
                continue;
            }

            int i = (int)((v - edges[0]) * norm);
            if (i == bins)
            {
                i--;
            }

            if (v < edges[i])
            {
                i--;
            }
            else if (i != bins - 1 && v >= edges[i + 1])
            {
                i++;
            }

            counts[i]++;
        }

        return counts;
    }
}

/// <summary>NumPy's pairwise summation (<c>np.sum</c>/<c>np.mean</c> over a contiguous array), so sums agree to the last bit.</summary>
internal static class NumPySum
{
    private const int BlockSize = 128;

    /// <summary>The sum as <c>np.add.reduce</c> forms it: the identity 0 plus the pairwise sum of all values.</summary>
    public static double Pairwise(ReadOnlySpan<double> a) => 0.0 + Block(a);

    private static double Block(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double s = -0.0;
            foreach (double v in a)
            {
                s += v;
            }

            return s;
        }

        if (n <= BlockSize)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            int i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                for (int j = 0; j < 8; j++)
                {
                    r[j] += a[i + j];
                }
            }

            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        int n2 = n / 2;
        n2 -= n2 % 8;
        return Block(a[..n2]) + Block(a[n2..]);
    }
}
