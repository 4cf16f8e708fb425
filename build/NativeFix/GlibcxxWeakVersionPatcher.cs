// Build-time fix that lets TorchSharp's native bridge load on glibc systems whose libstdc++ predates GCC 13.
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (the inline task in
// MLNetAutoencoders.NativeFix.targets, against netstandard2.0) and by the test project. Keep it
// self-contained and free of APIs newer than netstandard2.0.
#nullable disable
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;

namespace MLNetAutoencoders.Build
{
    /// <summary>Outcome of <see cref="ElfVersionNeedPatcher.MarkWeak"/>.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The version requirement was strong and is now weak.</summary>
        Patched,
        /// <summary>The version requirement was already weak: nothing was written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version: nothing was written.</summary>
        NotRequired,
    }

    /// <summary>
    /// Edits the <c>.gnu.version_r</c> (SHT_GNU_verneed) section of a 64-bit little-endian ELF file.
    /// TorchSharp 0.107.0's libLibTorchSharp.so requires GLIBCXX_3.4.32 only for
    /// <c>std::ios_base_library_init()</c>, which GCC 13's iostream references but never calls.
    /// Marking that one requirement VER_FLG_WEAK lets the dynamic loader accept an older libstdc++.
    /// </summary>
    public static class ElfVersionNeedPatcher
    {
        /// <summary>The version TorchSharp's bridge requires but Debian 12 / Ubuntu 22.04 lack.</summary>
        public const string TorchSharpMissingVersion = "GLIBCXX_3.4.32";

        /// <summary>The VER_FLG_WEAK bit of a Vernaux entry's vna_flags.</summary>
        public const ushort VerFlagWeak = 0x2;

        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Reads the vna_flags of every version requirement, keyed by version name.</summary>
        public static Dictionary<string, ushort> ReadVersionNeedFlags(byte[] elf)
        {
            var result = new Dictionary<string, ushort>(StringComparer.Ordinal);
            foreach (var entry in EnumerateVernaux(elf))
                result[entry.Name] = ReadU16(elf, entry.FlagsOffset);
            return result;
        }

        /// <summary>Sets VER_FLG_WEAK on the requirement named <paramref name="versionName"/> in memory.</summary>
        public static ElfPatchOutcome MarkWeak(byte[] elf, string versionName)
        {
            var outcome = ElfPatchOutcome.NotRequired;
            foreach (var entry in EnumerateVernaux(elf))
            {
                if (entry.Name != versionName)
                    continue;
                var flags = ReadU16(elf, entry.FlagsOffset);
                if ((flags & VerFlagWeak) != 0)
                {
                    if (outcome == ElfPatchOutcome.NotRequired)
                        outcome = ElfPatchOutcome.AlreadyWeak;
                    continue;
                }
                WriteU16(elf, entry.FlagsOffset, (ushort)(flags | VerFlagWeak));
                outcome = ElfPatchOutcome.Patched;
            }
            return outcome;
        }

        /// <summary>
        /// Patches a file on disk. The new content goes to a fresh file that replaces the old one, so a
        /// hard link into the NuGet cache is never written through; the timestamp is kept so that
        /// incremental builds do not copy the library again.
        /// </summary>
        public static ElfPatchOutcome MarkWeak(string path, string versionName)
        {
            var bytes = File.ReadAllBytes(path);
            var outcome = MarkWeak(bytes, versionName);
            if (outcome != ElfPatchOutcome.Patched)
                return outcome;
            var stamp = File.GetLastWriteTimeUtc(path);
            var temp = path + ".weakening";
            File.WriteAllBytes(temp, bytes);
            File.Delete(path);
            File.Move(temp, path);
            File.SetLastWriteTimeUtc(path, stamp);
            return outcome;
        }

        /// <summary>True when a libstdc++ found in the usual library folders already provides <paramref name="versionName"/>.</summary>
        public static bool SystemLibStdCxxProvides(string versionName)
        {
            var needle = Encoding.ASCII.GetBytes(versionName + "\0");
            foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" })
            {
                var candidate = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(candidate))
                    return IndexOf(File.ReadAllBytes(candidate), needle) >= 0;
            }
            return false;
        }

        private struct Vernaux
        {
            public string Name;
            public int FlagsOffset;
        }

        private static IEnumerable<Vernaux> EnumerateVernaux(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("Not an ELF file.");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");

            var sectionHeaders = CheckedOffset(elf, ReadU64(elf, 0x28), 0);
            int entrySize = ReadU16(elf, 0x3a);
            int count = ReadU16(elf, 0x3c);
            if (entrySize < 64)
                throw new InvalidDataException("Malformed ELF section header table.");
            CheckedOffset(elf, (ulong)sectionHeaders, (long)entrySize * count);

            for (var i = 0; i < count; i++)
            {
                var header = sectionHeaders + i * entrySize;
                if (ReadU32(elf, header + 4) != ShtGnuVerneed)
                    continue;
                var sectionOffset = CheckedOffset(elf, ReadU64(elf, header + 0x18), 0);
                var sectionSize = (long)ReadU64(elf, header + 0x20);
                CheckedOffset(elf, (ulong)sectionOffset, sectionSize);
                var linkedStrings = (int)ReadU32(elf, header + 0x28);
                if (linkedStrings >= count)
                    throw new InvalidDataException("Malformed .gnu.version_r link.");
                var stringsHeader = sectionHeaders + linkedStrings * entrySize;
                var strings = CheckedOffset(elf, ReadU64(elf, stringsHeader + 0x18), 0);

                var need = sectionOffset;
                for (var guard = 0; guard < 4096; guard++)
                {
                    CheckedOffset(elf, (ulong)need, 16);
                    int auxCount = ReadU16(elf, need + 2);
                    var aux = need + (int)ReadU32(elf, need + 8);
                    for (var j = 0; j < auxCount; j++)
                    {
                        CheckedOffset(elf, (ulong)aux, 16);
                        var name = ReadCString(elf, strings + (int)ReadU32(elf, aux + 8));
                        yield return new Vernaux { Name = name, FlagsOffset = aux + 4 };
                        var nextAux = (int)ReadU32(elf, aux + 12);
                        if (nextAux == 0)
                            break;
                        aux += nextAux;
                    }
                    var next = (int)ReadU32(elf, need + 12);
                    if (next == 0)
                        break;
                    need += next;
                }
            }
        }

        private static int CheckedOffset(byte[] elf, ulong offset, long length)
        {
            if (offset > (ulong)elf.Length || length < 0 || (long)offset + length > elf.Length)
                throw new InvalidDataException("ELF offset out of range.");
            return (int)offset;
        }

        private static string ReadCString(byte[] elf, int offset)
        {
            CheckedOffset(elf, (ulong)offset, 1);
            var end = Array.IndexOf(elf, (byte)0, offset);
            if (end < 0)
                throw new InvalidDataException("Unterminated ELF string.");
            return Encoding.ASCII.GetString(elf, offset, end - offset);
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (var i = 0; i <= haystack.Length - needle.Length; i++)
            {
                var j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j])
                    j++;
                if (j == needle.Length)
                    return i;
            }
            return -1;
        }

        private static ushort ReadU16(byte[] b, int o) => (ushort)(b[o] | (b[o + 1] << 8));
        private static uint ReadU32(byte[] b, int o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
        private static ulong ReadU64(byte[] b, int o) => ReadU32(b, o) | ((ulong)ReadU32(b, o + 4) << 32);
        private static void WriteU16(byte[] b, int o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }
    }

    /// <summary>
    /// MSBuild task: marks GLIBCXX_3.4.32 weak in every libLibTorchSharp.so of an output folder.
    /// A no-op off Linux and where the system libstdc++ already provides the version.
    /// </summary>
    public sealed class WeakenTorchSharpGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        /// <summary>Native libraries to patch (copies in an output folder, never the NuGet cache).</summary>
        [Required]
        public ITaskItem[] Libraries { get; set; }

        /// <summary>Patch even where the system libstdc++ is new enough (tests use this).</summary>
        public bool Force { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            if (!Force && !RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                return true;
            if (!Force && ElfVersionNeedPatcher.SystemLibStdCxxProvides(ElfVersionNeedPatcher.TorchSharpMissingVersion))
            {
                Log.LogMessage(MessageImportance.Low, "libstdc++ provides {0}: TorchSharp's native library needs no fix.", ElfVersionNeedPatcher.TorchSharpMissingVersion);
                return true;
            }
            foreach (var item in Libraries ?? new ITaskItem[0])
            {
                var path = item.ItemSpec;
                try
                {
                    var outcome = ElfVersionNeedPatcher.MarkWeak(path, ElfVersionNeedPatcher.TorchSharpMissingVersion);
                    Log.LogMessage(outcome == ElfPatchOutcome.Patched ? MessageImportance.Normal : MessageImportance.Low,
                        "{0}: {1} {2}", path, ElfVersionNeedPatcher.TorchSharpMissingVersion, outcome);
                }
                catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
                {
                    Log.LogWarning("Could not weaken the {0} requirement of {1}: {2}", ElfVersionNeedPatcher.TorchSharpMissingVersion, path, ex.Message);
                }
            }
            return true;
        }
    }
}
