// Zip archive writing, done here rather than with ZIPFoundation: ZIPFoundation's Archive writes
// to a file it can seek in (to patch each local header after the data), while an encoder's
// bytes go to the target in order as they are produced. A sheet whose size is unknown while it
// streams gets a data descriptor after its data (general-purpose flag bit 3), and ZIP64 records
// appear only where a size or offset needs them (PKWARE APPNOTE 6.3, 4.3.7–4.3.16, 4.5.3).

/// Writes a zip archive front to back: entries, then the central directory. It counts the
/// bytes it emits itself, since the caller's output buffer is emptied between calls.
struct ZipWriter {
    private struct Record {
        var name: [UInt8]
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var offset: Int
    }

    /// Bytes of the archive emitted so far.
    private(set) var offset = 0
    private var records: [Record] = []
    private var open: (name: [UInt8], offset: Int)?

    /// 1980-01-01 00:00 in MS-DOS form: every entry gets it, so output is reproducible.
    private static let dosDate: UInt16 = 0x21
    private static let dosTime: UInt16 = 0

    /// Appends a whole entry whose data is `data`, deflated.
    mutating func addEntry(name: String, data: [UInt8], into out: inout [UInt8]) throws {
        var compressed: [UInt8] = []
        let deflater = try RawDeflater()
        try data.withUnsafeBytes { try deflater.compress($0, into: &compressed) }
        try deflater.finish(into: &compressed)
        let crc = CRC32.of(data)
        appendLocalHeader(name: Array(name.utf8), crc: crc, compressedSize: compressed.count, uncompressedSize: data.count, into: &out)
        out.append(contentsOf: compressed)
        offset += compressed.count
    }

    /// Appends the local header of an entry whose compressed data (of known size and checksum)
    /// the caller appends next, then calls ``noteData(_:)``.
    mutating func beginKnownEntry(name: String, crc: UInt32, compressedSize: Int, uncompressedSize: Int, into out: inout [UInt8]) {
        appendLocalHeader(name: Array(name.utf8), crc: crc, compressedSize: compressedSize, uncompressedSize: uncompressedSize, into: &out)
    }

    /// Counts `count` data bytes the caller appended itself.
    mutating func noteData(_ count: Int) { offset += count }

    /// Appends the local header of an entry whose size is known only at its end (flag bit 3).
    mutating func beginStreamedEntry(name: String, into out: inout [UInt8]) {
        let nameBytes = Array(name.utf8)
        open = (nameBytes, offset)
        let start = out.count
        LittleEndian.append(UInt32(0x0403_4B50), to: &out)
        LittleEndian.append(UInt16(20), to: &out)
        LittleEndian.append(UInt16(0x0008), to: &out)
        LittleEndian.append(UInt16(8), to: &out)
        LittleEndian.append(Self.dosTime, to: &out)
        LittleEndian.append(Self.dosDate, to: &out)
        LittleEndian.append(UInt32(0), to: &out)
        LittleEndian.append(UInt32(0), to: &out)
        LittleEndian.append(UInt32(0), to: &out)
        LittleEndian.append(UInt16(truncatingIfNeeded: nameBytes.count), to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        out.append(contentsOf: nameBytes)
        offset += out.count - start
    }

    /// Ends the streamed entry: its data descriptor (64-bit sizes when either needs them).
    mutating func endStreamedEntry(crc: UInt32, compressedSize: Int, uncompressedSize: Int, into out: inout [UInt8]) {
        guard let entry = open else { return }
        open = nil
        let start = out.count
        LittleEndian.append(UInt32(0x0807_4B50), to: &out)
        LittleEndian.append(crc, to: &out)
        if compressedSize >= 0xFFFF_FFFF || uncompressedSize >= 0xFFFF_FFFF {
            LittleEndian.append(UInt64(compressedSize), to: &out)
            LittleEndian.append(UInt64(uncompressedSize), to: &out)
        } else {
            LittleEndian.append(UInt32(compressedSize), to: &out)
            LittleEndian.append(UInt32(uncompressedSize), to: &out)
        }
        offset += out.count - start
        records.append(
            Record(name: entry.name, flags: 0x0008, crc: crc, compressedSize: compressedSize, uncompressedSize: uncompressedSize, offset: entry.offset))
    }

    /// Appends the central directory and the end records.
    mutating func finish(into out: inout [UInt8]) {
        let directoryOffset = offset
        let start = out.count
        for record in records {
            var extra: [UInt8] = []
            let bigU = record.uncompressedSize >= 0xFFFF_FFFF
            let bigC = record.compressedSize >= 0xFFFF_FFFF
            let bigO = record.offset >= 0xFFFF_FFFF
            if bigU || bigC || bigO {
                var values: [UInt8] = []
                if bigU { LittleEndian.append(UInt64(record.uncompressedSize), to: &values) }
                if bigC { LittleEndian.append(UInt64(record.compressedSize), to: &values) }
                if bigO { LittleEndian.append(UInt64(record.offset), to: &values) }
                LittleEndian.append(UInt16(1), to: &extra)
                LittleEndian.append(UInt16(values.count), to: &extra)
                extra += values
            }
            let version: UInt16 = extra.isEmpty ? 20 : 45
            LittleEndian.append(UInt32(0x0201_4B50), to: &out)
            LittleEndian.append(version, to: &out)
            LittleEndian.append(version, to: &out)
            LittleEndian.append(record.flags, to: &out)
            LittleEndian.append(UInt16(8), to: &out)
            LittleEndian.append(Self.dosTime, to: &out)
            LittleEndian.append(Self.dosDate, to: &out)
            LittleEndian.append(record.crc, to: &out)
            LittleEndian.append(bigC ? 0xFFFF_FFFF : UInt32(record.compressedSize), to: &out)
            LittleEndian.append(bigU ? 0xFFFF_FFFF : UInt32(record.uncompressedSize), to: &out)
            LittleEndian.append(UInt16(truncatingIfNeeded: record.name.count), to: &out)
            LittleEndian.append(UInt16(truncatingIfNeeded: extra.count), to: &out)
            LittleEndian.append(UInt16(0), to: &out)
            LittleEndian.append(UInt16(0), to: &out)
            LittleEndian.append(UInt16(0), to: &out)
            LittleEndian.append(UInt32(0), to: &out)
            LittleEndian.append(bigO ? 0xFFFF_FFFF : UInt32(record.offset), to: &out)
            out.append(contentsOf: record.name)
            out.append(contentsOf: extra)
        }
        let directorySize = out.count - start
        offset += directorySize
        let zip64 = records.count >= 0xFFFF || directorySize >= 0xFFFF_FFFF || directoryOffset >= 0xFFFF_FFFF
        let endStart = out.count
        if zip64 {
            let recordOffset = offset
            LittleEndian.append(UInt32(0x0606_4B50), to: &out)
            LittleEndian.append(UInt64(44), to: &out)
            LittleEndian.append(UInt16(45), to: &out)
            LittleEndian.append(UInt16(45), to: &out)
            LittleEndian.append(UInt32(0), to: &out)
            LittleEndian.append(UInt32(0), to: &out)
            LittleEndian.append(UInt64(records.count), to: &out)
            LittleEndian.append(UInt64(records.count), to: &out)
            LittleEndian.append(UInt64(directorySize), to: &out)
            LittleEndian.append(UInt64(directoryOffset), to: &out)
            LittleEndian.append(UInt32(0x0706_4B50), to: &out)
            LittleEndian.append(UInt32(0), to: &out)
            LittleEndian.append(UInt64(recordOffset), to: &out)
            LittleEndian.append(UInt32(1), to: &out)
        }
        LittleEndian.append(UInt32(0x0605_4B50), to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        LittleEndian.append(zip64 ? 0xFFFF : UInt16(records.count), to: &out)
        LittleEndian.append(zip64 ? 0xFFFF : UInt16(records.count), to: &out)
        LittleEndian.append(directorySize >= 0xFFFF_FFFF ? 0xFFFF_FFFF : UInt32(directorySize), to: &out)
        LittleEndian.append(directoryOffset >= 0xFFFF_FFFF ? 0xFFFF_FFFF : UInt32(directoryOffset), to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        offset += out.count - endStart
    }

    private mutating func appendLocalHeader(name: [UInt8], crc: UInt32, compressedSize: Int, uncompressedSize: Int, into out: inout [UInt8]) {
        let big = compressedSize >= 0xFFFF_FFFF || uncompressedSize >= 0xFFFF_FFFF
        let headerOffset = offset
        let start = out.count
        LittleEndian.append(UInt32(0x0403_4B50), to: &out)
        LittleEndian.append(big ? UInt16(45) : UInt16(20), to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        LittleEndian.append(UInt16(8), to: &out)
        LittleEndian.append(Self.dosTime, to: &out)
        LittleEndian.append(Self.dosDate, to: &out)
        LittleEndian.append(crc, to: &out)
        LittleEndian.append(big ? 0xFFFF_FFFF : UInt32(compressedSize), to: &out)
        LittleEndian.append(big ? 0xFFFF_FFFF : UInt32(uncompressedSize), to: &out)
        LittleEndian.append(UInt16(truncatingIfNeeded: name.count), to: &out)
        LittleEndian.append(UInt16(big ? 20 : 0), to: &out)
        out.append(contentsOf: name)
        if big {
            LittleEndian.append(UInt16(1), to: &out)
            LittleEndian.append(UInt16(16), to: &out)
            LittleEndian.append(UInt64(uncompressedSize), to: &out)
            LittleEndian.append(UInt64(compressedSize), to: &out)
        }
        offset += out.count - start
        records.append(
            Record(name: name, flags: 0, crc: crc, compressedSize: compressedSize, uncompressedSize: uncompressedSize, offset: headerOffset))
    }
}
