using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace Descent.Cli.Bench;

/// <summary>One data (or unified) cache level of the processor the bench ran on.</summary>
/// <param name="Level">1, 2, 3…</param>
/// <param name="Kib">Size in KiB, as the processor or the kernel reports it (per instance, not summed over cores).</param>
/// <param name="Source">Where the size was read: <c>sysfs</c> or <c>cpuid</c>.</param>
internal sealed record CacheLevel(int Level, long Kib, string Source);

/// <summary>
/// The data cache sizes, to mark on the scaling curves where a working set stops fitting. Linux's sysfs is read
/// first; virtual machines often lack it, so the x86 CPUID cache-descriptor leaves are the fallback (leaf 4 on
/// Intel, 0x8000001D on AMD: ways × partitions × line size × sets; AMD's legacy 0x80000005/6 where that leaf is
/// empty). Elsewhere the list is empty and the figure says so.
/// </summary>
internal static class CacheProbe
{
    public static IReadOnlyList<CacheLevel> DataCaches()
    {
        var fromSysfs = FromSysfs();
        return fromSysfs.Count > 0 ? fromSysfs : FromCpuid();
    }

    private static List<CacheLevel> FromSysfs()
    {
        var result = new List<CacheLevel>();
        const string root = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(root))
        {
            return result;
        }

        try
        {
            foreach (string dir in Directory.EnumerateDirectories(root, "index*"))
            {
                string type = File.ReadAllText(Path.Combine(dir, "type")).Trim();
                if (type == "Instruction")
                {
                    continue;
                }

                int level = int.Parse(File.ReadAllText(Path.Combine(dir, "level")).Trim(), CultureInfo.InvariantCulture);
                string size = File.ReadAllText(Path.Combine(dir, "size")).Trim();
                long kib = size.EndsWith('K') ? long.Parse(size[..^1], CultureInfo.InvariantCulture)
                    : size.EndsWith('M') ? 1024 * long.Parse(size[..^1], CultureInfo.InvariantCulture)
                    : long.Parse(size, CultureInfo.InvariantCulture) / 1024;
                result.Add(new CacheLevel(level, kib, "sysfs"));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            // A partial or unreadable listing is no better than none; CPUID may still know.
            result.Clear();
        }

        return [.. result.OrderBy(c => c.Level)];
    }

    private static List<CacheLevel> FromCpuid()
    {
        var result = new List<CacheLevel>();
        if (!X86Base.IsSupported)
        {
            return result;
        }

        // Vendor string "AuthenticAMD" (or Hygon) selects AMD's extended leaf; every other x86 uses leaf 4.
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        bool amd = ebx == 0x68747541 && edx == 0x69746e65 && ecx == 0x444d4163;
        int leaf = amd ? unchecked((int)0x8000001D) : 4;
        bool hasLeaf = !amd || (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax >= 0x8000001D;
        for (int sub = 0; hasLeaf && sub < 16; sub++)
        {
            var (eax, b, c, _) = X86Base.CpuId(leaf, sub);
            int type = eax & 0x1F;          // 0 none (end of list), 1 data, 2 instruction, 3 unified
            if (type == 0)
            {
                break;
            }

            if (type == 2)
            {
                continue;
            }

            int level = (eax >> 5) & 0x7;
            long ways = ((b >> 22) & 0x3FF) + 1L;
            long partitions = ((b >> 12) & 0x3FF) + 1L;
            long line = (b & 0xFFF) + 1L;
            long sets = (uint)c + 1L;
            result.Add(new CacheLevel(level, ways * partitions * line * sets / 1024, "cpuid"));
        }

        if (result.Count == 0 && amd && (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax >= 0x80000006)
        {
            // Without the topology extension (common in virtual machines) AMD's legacy descriptors still give the
            // sizes: L1D in 0x80000005 ECX[31:24] KiB, L2 in 0x80000006 ECX[31:16] KiB, L3 in EDX[31:18] × 512 KiB.
            int l1 = (int)((uint)X86Base.CpuId(unchecked((int)0x80000005), 0).Ecx >> 24);
            var (_, _, l2Register, l3Register) = X86Base.CpuId(unchecked((int)0x80000006), 0);
            long l2 = (uint)l2Register >> 16;
            long l3 = ((uint)l3Register >> 18) * 512L;
            foreach (var (level, kib) in (ReadOnlySpan<(int, long)>)[(1, l1), (2, l2), (3, l3)])
            {
                if (kib > 0)
                {
                    result.Add(new CacheLevel(level, kib, "cpuid"));
                }
            }
        }

        return [.. result.OrderBy(c => c.Level)];
    }
}
