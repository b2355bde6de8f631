using System.Text.Json;
using Descent.Cli.Verification;

namespace Descent.Cli.Book;

/// <summary>The kinds of file in the chapter-6 goldens' schema.</summary>
internal enum BookKind
{
    ActivationHistograms,
    WeightInitCompare,
    BatchNorm,
    BatchNormGrid,
    OverfitWeightDecay,
    OverfitDropout,
    HyperparameterSearch,
}

/// <summary>
/// Compares a run's data with a reference file of the chapter-6 goldens' schema, curve by curve, with the tolerances
/// of <c>tests/goldens/book/ch6/README.md</c>: accuracies, histogram counts, random draws and batch masks exact;
/// losses within 1e-10 relative; histogram means and standard deviations within 1e-12 relative.
/// </summary>
internal static class BookCheck
{
    public const double LossTolerance = 1e-10;
    public const double StatisticTolerance = 1e-12;

    /// <summary>Which experiment a file holds, from its keys; null when it is not a chapter-6 file.</summary>
    public static BookKind? KindOf(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        bool Has(string key) => root.TryGetProperty(key, out _);
        if (Has("variants") && Has("bin_edges"))
        {
            return BookKind.ActivationHistograms;
        }

        if (Has("weight_scale_list"))
        {
            return Has("all_scales_seed0_each") ? BookKind.BatchNormGrid : BookKind.BatchNorm;
        }

        if (Has("trials") && Has("ranking"))
        {
            return BookKind.HyperparameterSearch;
        }

        if (Has("loss") && Has("iterations") && root.TryGetProperty("loss", out var loss) && loss.TryGetProperty("He", out _))
        {
            return BookKind.WeightInitCompare;
        }

        if (root.TryGetProperty("runs", out var runs) && runs.ValueKind == JsonValueKind.Object)
        {
            if (runs.TryGetProperty("weight_decay_0", out _) || runs.TryGetProperty("weight_decay_0.1", out _))
            {
                return BookKind.OverfitWeightDecay;
            }

            if (runs.TryGetProperty("no_dropout", out _) || runs.TryGetProperty("dropout_0.2", out _))
            {
                return BookKind.OverfitDropout;
            }
        }

        return null;
    }

    /// <summary>
    /// One result per curve. <paramref name="prefix"/>: the run was cut short on purpose, so only the values it has are
    /// compared (a curve longer than the reference's still fails).
    /// </summary>
    public static List<GoldenResult> Compare(JsonElement run, JsonElement reference, bool prefix = false)
    {
        var kind = KindOf(reference) ?? throw new InvalidDataException("The reference is not a file of the chapter-6 goldens' schema (no known set of keys).");
        var results = new List<GoldenResult>();
        var c = new Comparer(results, prefix);
        switch (kind)
        {
            case BookKind.ActivationHistograms:
                c.Histograms(run, reference);
                break;
            case BookKind.WeightInitCompare:
                c.Curves("loss", run.GetProperty("loss"), reference.GetProperty("loss"), LossTolerance);
                c.Check(string.Empty, run, reference);
                break;
            case BookKind.BatchNorm:
                c.BatchNormRun(string.Empty, Default(run), reference);
                break;
            case BookKind.BatchNormGrid:
                c.Grid(run, reference);
                break;
            case BookKind.OverfitWeightDecay:
            case BookKind.OverfitDropout:
                c.Runs(run.GetProperty("runs"), reference.GetProperty("runs"));
                break;
            case BookKind.HyperparameterSearch:
                c.Search(run, reference);
                break;
        }

        return results;
    }

    // A grid run also answers a check against the default-scale file, through its entry at that scale.
    private static JsonElement Default(JsonElement run) =>
        run.TryGetProperty("all_scales_seed0_each", out var all) ? all[TrainingExperiments.DefaultScaleIndex] : run;

    /// <summary>Largest difference of two curves: relative when <paramref name="relative"/>, absolute otherwise (exact comparisons); NaN matches NaN.</summary>
    public static double Difference(double[] got, double[] want, int n, bool relative)
    {
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double a = got[i], b = want[i];
            if (a.Equals(b))
            {
                continue;
            }

            double d = double.IsNaN(a) || double.IsNaN(b) || double.IsInfinity(a) || double.IsInfinity(b)
                ? double.PositiveInfinity
                : relative && b != 0 ? Math.Abs(a - b) / Math.Abs(b) : Math.Abs(a - b);
            worst = Math.Max(worst, d);
        }

        return worst;
    }

    private sealed class Comparer(List<GoldenResult> results, bool prefix)
    {
        public void Curve(string name, JsonElement got, JsonElement want, double tolerance)
        {
            double[] a = BookJson.NumberArray(got), b = BookJson.NumberArray(want);
            string label = tolerance == 0 ? $"{name} (exact)" : $"{name} (rel)";
            if (a.Length > b.Length || (!prefix && a.Length != b.Length) || a.Length == 0)
            {
                results.Add(GoldenResult.Failed(label, $"{a.Length} values; the reference has {b.Length}"));
                return;
            }

            double d = Difference(a, b, a.Length, relative: tolerance != 0);
            results.Add(new GoldenResult(a.Length < b.Length ? $"{label} first {a.Length} of {b.Length}" : label, d, tolerance));
        }

        public void Value(string name, JsonElement run, JsonElement reference, string key, double tolerance)
        {
            if (!reference.TryGetProperty(key, out var want))
            {
                return;
            }

            if (!run.TryGetProperty(key, out var got))
            {
                results.Add(GoldenResult.Failed($"{name}{key}", "missing from the run"));
                return;
            }

            double a = BookJson.Number(got), b = BookJson.Number(want);
            results.Add(new GoldenResult($"{name}{key} {(tolerance == 0 ? "(exact)" : "(rel)")}", Difference([a], [b], 1, tolerance != 0), tolerance));
        }

        public void Curves(string name, JsonElement run, JsonElement reference, double tolerance)
        {
            foreach (var curve in reference.EnumerateObject())
            {
                if (run.TryGetProperty(curve.Name, out var got))
                {
                    Curve($"{name} {curve.Name}", got, curve.Value, tolerance);
                }
                else
                {
                    results.Add(GoldenResult.Failed($"{name} {curve.Name}", "no curve of that name in the run"));
                }
            }
        }

        /// <summary>The random-stream checks both sides record: initial weights and the first two batches, exact.</summary>
        public void Check(string name, JsonElement run, JsonElement reference)
        {
            if (!run.TryGetProperty("check", out var got) || !reference.TryGetProperty("check", out var want))
            {
                return;
            }

            const string weights = "W1[0,:4] at init per network";
            if (got.TryGetProperty(weights, out var gw) && want.TryGetProperty(weights, out var ww))
            {
                // Single-network runs name their one network differently on each side.
                var pairs = ww.EnumerateObject().Count() == 1 && gw.EnumerateObject().Count() == 1
                    ? [(gw.EnumerateObject().First().Value, ww.EnumerateObject().First().Value, "W1[0,:4]")]
                    : ww.EnumerateObject().Where(p => gw.TryGetProperty(p.Name, out _)).Select(p => (gw.GetProperty(p.Name), p.Value, $"W1[0,:4] {p.Name}")).ToList();
                foreach (var (g, w, label) in pairs)
                {
                    results.Add(new GoldenResult($"{name}check {label} (exact)", Difference(BookJson.NumberArray(g), BookJson.NumberArray(w), 4, false), 0));
                }
            }

            const string masks = "batch_mask of iterations 0 and 1";
            if (got.TryGetProperty(masks, out var gm) && want.TryGetProperty(masks, out var wm))
            {
                int n = Math.Min(gm.GetArrayLength(), wm.GetArrayLength());
                for (int i = 0; i < n; i++)
                {
                    Curve($"{name}check batch mask {i}", gm[i], wm[i], 0);
                }
            }
        }

        public void BatchNormRun(string name, JsonElement run, JsonElement reference)
        {
            Curves($"{name}train_acc", run.GetProperty("train_acc"), reference.GetProperty("train_acc"), 0);
            Curves($"{name}batch_ce_before_update", run.GetProperty("batch_ce_before_update"), reference.GetProperty("batch_ce_before_update"), LossTolerance);
            Check(name, run, reference);
        }

        public void Grid(JsonElement run, JsonElement reference)
        {
            if (!run.TryGetProperty("all_scales_seed0_each", out var all))
            {
                results.Add(GoldenResult.Failed("all_scales_seed0_each", "the run is not a figure 6-19 grid (run it with --grid)"));
                return;
            }

            foreach (var (index, got, want) in Matching(all, reference.GetProperty("all_scales_seed0_each"), "index", "scale"))
            {
                BatchNormRun($"scale {index} ", got, want);
            }
        }

        /// <summary>
        /// Each item of the reference's array with the run's item of the same number under <paramref name="key"/>;
        /// an item the run lacks is a failed result, "<paramref name="label"/> N: not in the run", in its place.
        /// </summary>
        private IEnumerable<(int Index, JsonElement Got, JsonElement Want)> Matching(JsonElement run, JsonElement reference, string key, string label)
        {
            foreach (var want in reference.EnumerateArray())
            {
                int index = want.GetProperty(key).GetInt32();
                var got = run.EnumerateArray().FirstOrDefault(e => e.GetProperty(key).GetInt32() == index);
                if (got.ValueKind != JsonValueKind.Object)
                {
                    results.Add(GoldenResult.Failed($"{label} {index}", "not in the run"));
                    continue;
                }

                yield return (index, got, want);
            }
        }

        public void Runs(JsonElement run, JsonElement reference)
        {
            foreach (var want in reference.EnumerateObject())
            {
                if (!run.TryGetProperty(want.Name, out var got))
                {
                    results.Add(GoldenResult.Failed(want.Name, "no run of that name"));
                    continue;
                }

                string name = want.Name + " ";
                foreach (var (key, tolerance) in new[] { ("train_loss", LossTolerance), ("train_acc", 0.0), ("test_acc", 0.0), ("batch_ce_before_update", LossTolerance) })
                {
                    if (want.Value.TryGetProperty(key, out var w))
                    {
                        Curve(name + key, got.GetProperty(key), w, tolerance);
                    }
                }

                if (!prefix)
                {
                    Value(name, got, want.Value, "final_test_acc", 0);
                }

                Check(name, got, want.Value);
            }
        }

        public void Histograms(JsonElement run, JsonElement reference)
        {
            var variants = run.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
            foreach (var want in reference.GetProperty("variants").EnumerateArray())
            {
                string name = want.GetProperty("name").GetString()!;
                if (!variants.TryGetValue(name, out var got))
                {
                    results.Add(GoldenResult.Failed(name, "no variant of that name in the run"));
                    continue;
                }

                var gl = got.GetProperty("layers");
                var wl = want.GetProperty("layers");
                double counts = 0, tails = 0, stats = 0;
                for (int l = 0; l < wl.GetArrayLength(); l++)
                {
                    counts = Math.Max(counts, Difference(BookJson.NumberArray(gl[l].GetProperty("counts")), BookJson.NumberArray(wl[l].GetProperty("counts")), 30, false));
                    foreach (var key in new[] { "n_below_0", "n_above_1", "n_exactly_0" })
                    {
                        tails = Math.Max(tails, Difference([BookJson.Number(gl[l].GetProperty(key))], [BookJson.Number(wl[l].GetProperty(key))], 1, false));
                    }

                    foreach (var key in new[] { "mean", "std" })
                    {
                        stats = Math.Max(stats, Difference([BookJson.Number(gl[l].GetProperty(key))], [BookJson.Number(wl[l].GetProperty(key))], 1, true));
                    }
                }

                results.Add(new GoldenResult($"{name} counts (exact)", counts, 0));
                results.Add(new GoldenResult($"{name} n_below_0/n_above_1/n_exactly_0 (exact)", tails, 0));
                results.Add(new GoldenResult($"{name} mean, std (rel)", stats, StatisticTolerance));
            }
        }

        public void Search(JsonElement run, JsonElement reference)
        {
            var trials = run.GetProperty("trials");
            foreach (var (index, got, want) in Matching(trials, reference.GetProperty("trials"), "trial", "trial"))
            {
                string name = $"trial {index} ";
                Value(name, got, want, "weight_decay", 0);
                Value(name, got, want, "lr", 0);
                Curve(name + "val_acc", got.GetProperty("val_acc"), want.GetProperty("val_acc"), 0);
                Curve(name + "train_acc", got.GetProperty("train_acc"), want.GetProperty("train_acc"), 0);
                Value(name, got, want, "train_loss_first", LossTolerance);
                Value(name, got, want, "train_loss_last", LossTolerance);
                Value(name, got, want, "val_acc_after_all_updates", 0);
            }

            if (reference.GetProperty("trials").GetArrayLength() == trials.GetArrayLength())
            {
                Curve("ranking", run.GetProperty("ranking"), reference.GetProperty("ranking"), 0);
            }
        }
    }
}
