#if canImport(Glibc)
import Glibc
#endif

/// Reads a small whole file (a rule file, a standards table): at most `limit` bytes, and never a
/// device that does not end (`/dev/zero`, `/dev/urandom`): only regular files, pipes and standard
/// input are read, and those are cut off at the limit with an error.
enum BoundedRead {
    struct TooLarge: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    static func bytes(_ path: String, limit: Int) throws(TooLarge) -> [UInt8] {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else { throw TooLarge(path: path, reason: String(cString: strerror(errno))) }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TooLarge(path: path, reason: String(cString: strerror(errno))) }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFIFO || type == S_IFSOCK || fd == STDIN_FILENO else {
            throw TooLarge(path: path, reason: type == S_IFDIR ? "is a directory" : "is not a regular file (a device never ends)")
        }
        if type == S_IFREG, st.st_size > limit {
            throw TooLarge(path: path, reason: "is \(st.st_size) bytes; at most \(limit) are read")
        }
        var out: [UInt8] = []
        let size = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw TooLarge(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            if out.count + n > limit { throw TooLarge(path: path, reason: "is longer than \(limit) bytes") }
            out.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return out
    }
}
