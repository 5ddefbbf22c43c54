import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// A write that failed: the path and the system's reason. Commands report it on stderr and
/// exit 3 (an output could not be written is as fatal as an input that could not be read).
struct OutputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    init(path: String, errno code: Int32) {
        self.init(path: path, reason: "\(String(cString: strerror(code))) (errno \(code))")
    }
    var description: String { "cannot write \(path): \(reason)" }

    /// Reports the error and gives the exit code for it.
    func exit() -> ExitCode {
        FileHandleOut.stderr("veto: \(description)\n")
        return ExitCode(3)
    }
}

/// Where an output goes: standard output, or a file written atomically.
///
/// A regular file (or a name that does not exist yet) is written to a temporary file in the
/// same directory and renamed over the final name by ``commit()``: a run that fails, or is
/// killed, never leaves a partial file under the final name, and never truncates what was
/// there. A device, a FIFO or a socket (`/dev/full`, `/dev/stdout`, a named pipe) is written
/// directly. Every write is checked; the first failure is kept and ends the writing.
final class Sink {
    /// The path as the user gave it (nil: standard output).
    let path: String?
    private var fd: Int32 = STDOUT_FILENO
    /// The temporary file being written, renamed to `finalPath` on commit.
    private var tempPath: String?
    private var finalPath: String?
    private(set) var failure: OutputError?
    private var closed = false

    /// Opens the output. `inputs` are the paths the run reads (`-` is standard input):
    /// writing over one of them is refused, by device and inode and by real path.
    init(path: String?, inputs: [String] = []) throws(OutputError) {
        self.path = path
        guard let path, path != "-" else { return }
        try Self.refuseInputs(path, inputs)
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw OutputError(path: path, reason: "is a directory") }
            // A device or pipe: nothing to replace atomically, so write to it as it is.
            fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw OutputError(path: path, errno: errno) }
            return
        }
        // Replace the file a symbolic link points to, not the link.
        var target = path
        var lst = stat()
        if lstat(path, &lst) == 0, (lst.st_mode & S_IFMT) == S_IFLNK, let real = realpath(path, nil) {
            target = String(cString: real)
            free(real)
        }
        let (dir, base) = Self.split(target)
        var template = Array("\(dir)/.\(base).veto-XXXXXX".utf8CString)
        let tfd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard tfd >= 0 else { throw OutputError(path: path, errno: errno) }
        fd = tfd
        tempPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        finalPath = target
        // mkstemp makes the file 0600; give it the mode a new file would have (0666 & ~umask).
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
    }

    /// Writes all of `s`, unless an earlier write failed.
    func write(_ s: String) {
        guard failure == nil, !closed else { return }
        var s = s
        let code: Int32? = s.withUTF8 { b in
            guard let base = b.baseAddress else { return nil }
            var off = 0
            while off < b.count {
                let n = Glibc.write(fd, base + off, b.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                off += n
            }
            return nil
        }
        if let code { failure = OutputError(path: path ?? "<stdout>", errno: code) }
    }

    /// Ends the output: checks every write, flushes the file to disk and renames it over the
    /// final name. On failure nothing is left under the final name (the temporary is removed).
    func commit() throws(OutputError) {
        guard !closed else { return }
        closed = true
        if let failure {
            discardTemp()
            throw failure
        }
        guard let tempPath, let finalPath else {
            if fd != STDOUT_FILENO, Glibc.close(fd) != 0 {
                throw OutputError(path: path ?? "<stdout>", errno: errno)
            }
            return
        }
        if fsync(fd) != 0 {
            let e = errno
            discardTemp()
            throw OutputError(path: path ?? finalPath, errno: e)
        }
        if Glibc.close(fd) != 0 {
            let e = errno
            unlink(tempPath)
            throw OutputError(path: path ?? finalPath, errno: e)
        }
        if rename(tempPath, finalPath) != 0 {
            let e = errno
            unlink(tempPath)
            throw OutputError(path: path ?? finalPath, errno: e)
        }
    }

    /// Gives up: a file output leaves what was under its name untouched.
    func abandon() {
        guard !closed else { return }
        closed = true
        discardTemp()
    }

    deinit { abandon() }

    private func discardTemp() {
        if fd != STDOUT_FILENO { Glibc.close(fd) }
        if let tempPath { unlink(tempPath) }
    }

    /// Directory and last component of a path (`a.csv` → `.`, `a.csv`).
    static func split(_ path: String) -> (dir: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }

    /// Throws when `output` is one of `inputs`: the same device and inode (hard links,
    /// symbolic links, `./a.csv` and `a.csv`, standard input redirected from the file), or
    /// the same real path.
    static func refuseInputs(_ output: String, _ inputs: [String]) throws(OutputError) {
        var out = stat()
        let outExists = stat(output, &out) == 0
        if outExists, (out.st_mode & S_IFMT) != S_IFREG { return }   // a device is never an input file
        let outReal = realPath(output)
        for input in inputs {
            var st = stat()
            let found = input == "-" ? fstat(STDIN_FILENO, &st) == 0 : stat(input, &st) == 0
            if found, outExists, st.st_dev == out.st_dev, st.st_ino == out.st_ino {
                throw OutputError(path: output, reason: "it is the input \(input == "-" ? "<stdin>" : input); refusing to write over an input")
            }
            if input != "-", let a = outReal, let b = realPath(input), a == b {
                throw OutputError(path: output, reason: "it is the input \(input); refusing to write over an input")
            }
        }
    }

    /// The real path of a file, or of its directory joined with its name when it does not exist.
    static func realPath(_ path: String) -> String? {
        if let r = realpath(path, nil) {
            defer { free(r) }
            return String(cString: r)
        }
        let (dir, base) = split(path)
        guard let r = realpath(dir, nil) else { return nil }
        defer { free(r) }
        return String(cString: r) + "/" + base
    }
}

/// Writes a whole report to stdout or a file; a file is replaced only when all of it is written.
struct Output {
    let path: String?
    var inputs: [String] = []

    init(path: String?, inputs: [String] = []) {
        self.path = path
        self.inputs = inputs
    }

    /// Writes `s`. A failure (the path cannot be created, a write fails: `/dev/full`, a full
    /// disk) is reported on stderr with the path and errno, and exits 3.
    func write(_ s: String) throws {
        try stream { $0(s) }
    }

    /// Writes what `body` hands to its argument, piece by piece (a large report never sits in
    /// memory whole); the same checks and exit 3 as `write`.
    func stream(_ body: (_ emit: @escaping (String) -> Void) -> Void) throws {
        do throws(OutputError) {
            let sink = try Sink(path: path, inputs: inputs)
            body { sink.write($0) }
            try sink.commit()
        } catch {
            throw error.exit()
        }
    }
}
