using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Large texts (grain states, their parts, journal rows, view rows' payloads) are stored compressed: a text of at least
/// <see cref="CompressFrom"/> characters is stored as a BLOB — a format byte (<see cref="Brotli"/>), its UTF-8 length
/// (four bytes, little-endian), then the Brotli-compressed UTF-8 — and a shorter one (or one that does not shrink) as
/// TEXT. Readers take either, so rows written as TEXT before stay readable. What a commit writes, and syncs, shrinks with
/// it: a 20-task run's journal row from about 8 KB to under 1 KB.</summary>
internal static class SqliteText
{
    /// <summary>Texts shorter than this (in UTF-16 code units) are stored as they are.</summary>
    public const int CompressFrom = 1024;

    /// <summary>The format byte of a Brotli-compressed UTF-8 text.</summary>
    private const byte Brotli = 1;

    private const int HeaderLength = 5;

    /// <summary>The value to bind for <paramref name="text"/>: the text itself, or its compressed BLOB.</summary>
    public static object Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < CompressFrom)
        {
            return text;
        }

        var length = Encoding.UTF8.GetByteCount(text);
        var utf8 = ArrayPool<byte>.Shared.Rent(length);
        var compressed = ArrayPool<byte>.Shared.Rent(HeaderLength + BrotliEncoder.GetMaxCompressedLength(length));
        try
        {
            Encoding.UTF8.GetBytes(text, utf8);
            // Quality 1: most of the size for a small part of the time; the window fits any state we write.
            if (!BrotliEncoder.TryCompress(utf8.AsSpan(0, length), compressed.AsSpan(HeaderLength), out var written, quality: 1, window: 22)
                || HeaderLength + written >= length)
            {
                return text;
            }

            compressed[0] = Brotli;
            BinaryPrimitives.WriteInt32LittleEndian(compressed.AsSpan(1), length);
            return compressed.AsSpan(0, HeaderLength + written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>Reads a text column written through <see cref="Encode"/> (or as plain TEXT).</summary>
    public static string Read(SqliteDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(byte[]) ? Decode((byte[])reader.GetValue(ordinal)) : reader.GetString(ordinal);

    private static string Decode(byte[] blob)
    {
        if (blob.Length < HeaderLength || blob[0] != Brotli)
        {
            throw new InvalidDataException($"A stored text is a BLOB of {blob.Length} bytes that is not in a known format (format byte {(blob.Length > 0 ? blob[0] : -1)}).");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(1));
        var utf8 = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (!BrotliDecoder.TryDecompress(blob.AsSpan(HeaderLength), utf8.AsSpan(0, length), out var written) || written != length)
            {
                throw new InvalidDataException($"A stored compressed text did not decompress to its recorded {length} bytes.");
            }

            return Encoding.UTF8.GetString(utf8, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }
}
