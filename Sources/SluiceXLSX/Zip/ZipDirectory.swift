// The zip central directory, read here rather than with ZIPFoundation: ZIPFoundation's Archive
// opens a URL or holds the whole archive as Data, while Sluice reads every file through
// RandomAccessInput (a local file now, an object in storage later), and reading the directory
// is a few fixed-layout records (PKWARE APPNOTE 6.3, sections 4.3.12–4.3.16, with ZIP64).
import SluiceFormats

/// The entries of a zip archive, found through its end-of-central-directory record.
struct ZipDirectory {
    /// The central directory may be at most this large (Office packages have a few dozen parts).
    static let maximumDirectoryBytes = 64 << 20
    /// At most this many entries.
    static let maximumEntries = 1_000_000

    let entries: [ZipEntry]
    /// Entries by lower-cased name (OPC part names are case-insensitive); the first of
    /// duplicates wins.
    private let byName: [String: Int]

    /// Reads the directory of `input`. `describe` names the file in messages.
    init(input: any RandomAccessInput) throws {
        let name = input.name
        let size = input.size
        guard size >= 22 else { throw FormatError("\(name): not a zip archive (the file has only \(size) bytes)") }
        let tailCount = min(size, 22 + 65_535)
        let tailStart = size - tailCount
        let tail = try input.read(offset: tailStart, count: tailCount)
        guard let eocd = Self.findEndRecord(tail) else {
            throw FormatError("\(name): not a zip archive (no end-of-central-directory record in the last \(tailCount) bytes)")
        }
        let eocdOffset = tailStart + eocd
        var entryCount = 0
        var directorySize = 0
        var directoryOffset = 0
        var needsZip64 = false
        tail.withUnsafeBytes { t in
            let disk = LittleEndian.u16(t, eocd + 4)
            let count = LittleEndian.u16(t, eocd + 10)
            let dirSize = LittleEndian.u32(t, eocd + 12)
            let dirOffset = LittleEndian.u32(t, eocd + 16)
            needsZip64 = disk == 0xFFFF || count == 0xFFFF || dirSize == 0xFFFF_FFFF || dirOffset == 0xFFFF_FFFF
            entryCount = Int(count)
            directorySize = Int(dirSize)
            directoryOffset = Int(dirOffset)
        }
        if needsZip64 {
            (entryCount, directorySize, directoryOffset) = try Self.readZip64End(input: input, eocdOffset: eocdOffset)
        } else {
            let disks = tail.withUnsafeBytes { (LittleEndian.u16($0, eocd + 4), LittleEndian.u16($0, eocd + 6)) }
            guard disks.0 == 0, disks.1 == 0 else {
                throw FormatError("\(name): multi-volume zip archives are not supported (end record at offset \(eocdOffset))")
            }
        }
        guard directorySize <= Self.maximumDirectoryBytes else {
            throw FormatError("\(name): the zip central directory declares \(directorySize) bytes, more than the limit of \(Self.maximumDirectoryBytes)")
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= eocdOffset, directorySize <= eocdOffset - directoryOffset else {
            throw FormatError("\(name): the zip central directory (\(directorySize) bytes at offset \(directoryOffset)) does not lie before the end record at offset \(eocdOffset)")
        }
        guard entryCount <= directorySize / 46, entryCount <= Self.maximumEntries else {
            throw FormatError("\(name): the zip end record declares \(entryCount) entries, more than \(directorySize) bytes of central directory can hold")
        }
        let directory = try input.read(offset: directoryOffset, count: directorySize)
        var entries: [ZipEntry] = []
        entries.reserveCapacity(entryCount)
        try directory.withUnsafeBytes { d in
            var at = 0
            for index in 0..<entryCount {
                let position = directoryOffset + at
                guard d.count - at >= 46, LittleEndian.u32(d, at) == 0x0201_4B50 else {
                    throw FormatError("\(name): zip central directory entry \(index + 1) at offset \(position) is damaged (no signature)")
                }
                let nameLength = Int(LittleEndian.u16(d, at + 28))
                let extraLength = Int(LittleEndian.u16(d, at + 30))
                let commentLength = Int(LittleEndian.u16(d, at + 32))
                let total = 46 + nameLength + extraLength + commentLength
                guard d.count - at >= total else {
                    throw FormatError("\(name): zip central directory entry \(index + 1) at offset \(position) runs past the directory's end")
                }
                let entryName = String(decoding: UnsafeRawBufferPointer(rebasing: d[(at + 46)..<(at + 46 + nameLength)]), as: UTF8.self)
                var compressed = UInt64(LittleEndian.u32(d, at + 20))
                var uncompressed = UInt64(LittleEndian.u32(d, at + 24))
                var local = UInt64(LittleEndian.u32(d, at + 42))
                let extra = UnsafeRawBufferPointer(rebasing: d[(at + 46 + nameLength)..<(at + 46 + nameLength + extraLength)])
                try Self.applyZip64Extra(extra, uncompressed: &uncompressed, compressed: &compressed, local: &local) { what in
                    FormatError("\(name): zip entry \(entryName) (central directory offset \(position)): \(what)")
                }
                guard let c = Int(exactly: compressed), let u = Int(exactly: uncompressed), let l = Int(exactly: local) else {
                    throw FormatError("\(name): zip entry \(entryName) (central directory offset \(position)) declares sizes beyond this machine's range")
                }
                entries.append(
                    ZipEntry(
                        name: entryName, method: LittleEndian.u16(d, at + 10), flags: LittleEndian.u16(d, at + 8),
                        crc32: LittleEndian.u32(d, at + 16), compressedSize: c, uncompressedSize: u, localHeaderOffset: l))
                at += total
            }
        }
        var byName: [String: Int] = [:]
        for (i, entry) in entries.enumerated() where byName[entry.name.lowercased()] == nil {
            byName[entry.name.lowercased()] = i
        }
        self.entries = entries
        self.byName = byName
    }

    /// The entry called `name` (case-insensitive, without a leading `/`).
    func entry(named name: String) -> ZipEntry? {
        var key = name.lowercased()
        while key.hasPrefix("/") { key.removeFirst() }
        return byName[key].map { entries[$0] }
    }

    /// The offset in `tail` of the last end-of-central-directory signature whose comment ends
    /// exactly at the end of the file, else the last signature at all.
    private static func findEndRecord(_ tail: [UInt8]) -> Int? {
        tail.withUnsafeBytes { t -> Int? in
            var fallback: Int?
            var i = t.count - 22
            while i >= 0 {
                if t[i] == 0x50, t[i + 1] == 0x4B, t[i + 2] == 0x05, t[i + 3] == 0x06 {
                    let comment = Int(LittleEndian.u16(t, i + 20))
                    if i + 22 + comment == t.count { return i }
                    if fallback == nil { fallback = i }
                }
                i -= 1
            }
            return fallback
        }
    }

    /// Reads the ZIP64 end record through its locator just before the classic end record.
    private static func readZip64End(input: any RandomAccessInput, eocdOffset: Int) throws -> (Int, Int, Int) {
        let name = input.name
        guard eocdOffset >= 20 else {
            throw FormatError("\(name): the zip end record at offset \(eocdOffset) asks for ZIP64 but has no ZIP64 locator before it")
        }
        let locator = try input.read(offset: eocdOffset - 20, count: 20)
        let recordOffset: UInt64 = try locator.withUnsafeBytes { l in
            guard LittleEndian.u32(l, 0) == 0x0706_4B50 else {
                throw FormatError("\(name): the zip end record at offset \(eocdOffset) asks for ZIP64 but has no ZIP64 locator before it")
            }
            return LittleEndian.u64(l, 8)
        }
        guard let start = Int(exactly: recordOffset), start <= eocdOffset - 20, eocdOffset - 20 - start >= 56 else {
            throw FormatError("\(name): the ZIP64 locator at offset \(eocdOffset - 20) points outside the file (offset \(recordOffset))")
        }
        let record = try input.read(offset: start, count: 56)
        return try record.withUnsafeBytes { r in
            guard LittleEndian.u32(r, 0) == 0x0606_4B50 else {
                throw FormatError("\(name): no ZIP64 end record at offset \(start)")
            }
            guard LittleEndian.u32(r, 16) == 0, LittleEndian.u32(r, 20) == 0 else {
                throw FormatError("\(name): multi-volume zip archives are not supported (ZIP64 end record at offset \(start))")
            }
            guard let count = Int(exactly: LittleEndian.u64(r, 32)), let size = Int(exactly: LittleEndian.u64(r, 40)),
                let offset = Int(exactly: LittleEndian.u64(r, 48))
            else {
                throw FormatError("\(name): the ZIP64 end record at offset \(start) declares values beyond this machine's range")
            }
            return (count, size, offset)
        }
    }

    /// Replaces the 32-bit fields set to 0xFFFFFFFF by the 64-bit values of a ZIP64 extra
    /// field (id 1), which lists only those, in this order.
    private static func applyZip64Extra(
        _ extra: UnsafeRawBufferPointer, uncompressed: inout UInt64, compressed: inout UInt64, local: inout UInt64,
        error: (String) -> FormatError
    ) throws {
        guard uncompressed == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || local == 0xFFFF_FFFF else { return }
        var at = 0
        while extra.count - at >= 4 {
            let id = LittleEndian.u16(extra, at)
            let length = Int(LittleEndian.u16(extra, at + 2))
            guard extra.count - at - 4 >= length else { throw error("an extra field runs past the entry's extra data") }
            if id == 1 {
                var field = at + 4
                let end = field + length
                for slot in 0..<3 {
                    let needed: Bool
                    switch slot {
                    case 0: needed = uncompressed == 0xFFFF_FFFF
                    case 1: needed = compressed == 0xFFFF_FFFF
                    default: needed = local == 0xFFFF_FFFF
                    }
                    guard needed else { continue }
                    guard end - field >= 8 else { throw error("the ZIP64 extra field is too short") }
                    let value = LittleEndian.u64(extra, field)
                    switch slot {
                    case 0: uncompressed = value
                    case 1: compressed = value
                    default: local = value
                    }
                    field += 8
                }
                return
            }
            at += 4 + length
        }
        throw error("sizes are marked ZIP64 but there is no ZIP64 extra field")
    }
}
