using System.Text;

namespace TrainWatch.TorchSharp.Tests;

/// <summary>One Vernaux entry of an ELF file's .gnu.version_r section.</summary>
internal sealed record VersionNeed(string File, string Name, ushort Flags, long FlagsOffset)
{
    public const ushort WeakFlag = 0x2; // VER_FLG_WEAK

    public bool IsWeak => (Flags & WeakFlag) != 0;
}

/// <summary>
/// Minimal ELF64 little-endian reader for the version needs (SHT_GNU_verneed) of a shared library.
/// Written independently of the build task so the tests do not just re-run the code they check.
/// </summary>
internal static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6ffffffe;

    public static IReadOnlyList<VersionNeed> Read(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file.");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"{path} is not ELF64 little-endian.");
        }

        long shoff = checked((long)BitConverter.ToUInt64(elf, 0x28));
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);

        var needs = new List<VersionNeed>();
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + (long)i * shentsize));
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            int sec = checked((int)BitConverter.ToUInt64(elf, sh + 24));
            int link = (int)BitConverter.ToUInt32(elf, sh + 40);
            int count = (int)BitConverter.ToUInt32(elf, sh + 44);
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)(shoff + (long)link * shentsize)) + 24));

            int vn = sec;
            for (int n = 0; n < count; n++)
            {
                int cnt = BitConverter.ToUInt16(elf, vn + 2);
                string file = CString(elf, strtab + (int)BitConverter.ToUInt32(elf, vn + 4));
                int va = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (int k = 0; k < cnt; k++)
                {
                    ushort flags = BitConverter.ToUInt16(elf, va + 4);
                    string name = CString(elf, strtab + (int)BitConverter.ToUInt32(elf, va + 8));
                    needs.Add(new VersionNeed(file, name, flags, va + 4));
                    va += (int)BitConverter.ToUInt32(elf, va + 12);
                }

                vn += (int)BitConverter.ToUInt32(elf, vn + 12);
            }
        }

        return needs;
    }

    private static string CString(byte[] bytes, int offset)
    {
        int end = Array.IndexOf(bytes, (byte)0, offset);
        return Encoding.ASCII.GetString(bytes, offset, end - offset);
    }
}
