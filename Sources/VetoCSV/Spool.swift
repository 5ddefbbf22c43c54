#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A copy of an input that cannot be read twice (standard input, a pipe, a device), written to a
/// temporary file as it is read, so that its rows can be read again at the end as a regular
/// file's are: the rows a check holds back (a township waiting for its villages, a row waiting for
/// its previous period) are then decided on their whole rows whichever way the input came. If the
/// copy cannot be written (no temporary directory, a full disk) it is dropped and the input is
/// read once, as before; the copy is removed when the check is done.
///
/// - Complexity: O(1) memory; disk as large as the input.
public final class Spool: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    /// Whether the copy is whole so far.
    public private(set) var ok = true

    /// A new empty copy in `$TMPDIR` (or `/tmp`); nil when none can be made.
    public init?() {
        let dir = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((dir.hasSuffix("/") ? dir : dir + "/").utf8CString.dropLast()) + Array("veto-input-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { b -> Int32 in b.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { return nil }
        self.fd = fd
        path = template.withUnsafeBufferPointer { b in b.baseAddress.map { String(cString: $0) } ?? "" }
    }

    /// Appends bytes read from the input; on a write error the copy is dropped.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard ok, var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                drop()
                return
            }
            p += n
            left -= n
        }
    }

    /// Closes the copy; false when it was dropped (then it is already removed).
    public func close() -> Bool {
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
        return ok
    }

    /// Drops the copy: the input is then read once only.
    public func drop() {
        ok = false
        _ = close()
        unlink(path)
    }

    /// Removes the copy once the check no longer reads it.
    public func remove() {
        _ = close()
        unlink(path)
    }
}
