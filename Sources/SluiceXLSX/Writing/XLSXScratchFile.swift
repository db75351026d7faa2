import SluiceFormats

/// A scratch file holding one compressed sheet until the package is put together. It is
/// unlinked as soon as it is created, so nothing is left behind whatever happens; the
/// descriptor closes when the object goes away.
final class XLSXScratchFile {
    private let fd: Int32
    /// Bytes written so far.
    private(set) var size = 0

    init(directory: String) throws {
        var template = Array("\(directory)/sluice-xlsx-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else {
            throw FormatError("cannot create a scratch file in \(directory): \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = unlink(base) }
        }
        self.fd = fd
    }

    deinit { close(fd) }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { b in
            var written = 0
            while written < b.count {
                guard let base = b.baseAddress else { return }
                let n = write(fd, base + written, b.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FormatError("cannot write a scratch file: \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
        size += bytes.count
    }

    /// Appends the whole file to `out`.
    func copy(into out: inout [UInt8]) throws {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: size))
        var done = 0
        try out.withUnsafeMutableBytes { o in
            guard let base = o.baseAddress else { return }
            while done < size {
                let n = pread(fd, base + start + done, size - done, off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FormatError("cannot read back a scratch file: \(String(cString: strerror(errno)))")
                }
                if n == 0 { throw FormatError("a scratch file ended at \(done) of its \(size) bytes") }
                done += n
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
