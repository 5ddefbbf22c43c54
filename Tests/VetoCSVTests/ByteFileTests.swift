import Testing
@testable import VetoCSV
#if canImport(Glibc)
import Glibc
#endif

/// Item 4 (part): rule and standards files are read whole, so their reader has a cap.
@Suite struct ByteFileReadAll {
    private func temp(_ bytes: [UInt8]) -> String {
        var template = Array("/tmp/veto-readall-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return path
    }

    @Test func smallFileIsReadWhole() throws {
        let bytes = Array("rules:\n  - id: a\n".utf8)
        let path = temp(bytes)
        defer { unlink(path) }
        #expect(try ByteFile.readAll(path, limit: 100) == bytes)
        #expect(try ByteFile.readAll(path, limit: bytes.count) == bytes)
    }

    @Test func fileOverTheLimitIsRefusedNamingPathAndLimit() {
        let path = temp([UInt8](repeating: 0x41, count: 1000))
        defer { unlink(path) }
        do {
            _ = try ByteFile.readAll(path, limit: 999)
            Issue.record("read a file over the limit")
        } catch {
            #expect(error.path == path)
            #expect(error.description.contains("999"))
        }
    }

    @Test(arguments: ["/dev/zero", "/dev/urandom", "/dev/null"])
    func devicesThatNeverEndAreRefused(path: String) {
        let clock = ContinuousClock()
        let t = clock.measure {
            #expect(throws: CSVReadError.self) { _ = try ByteFile.readAll(path, limit: 4 << 20) }
        }
        #expect(t < .seconds(1))
    }

    @Test func directoryIsRefused() {
        #expect(throws: CSVReadError.self) { _ = try ByteFile.readAll("/tmp", limit: 100) }
    }

    @Test func missingFileIsRefused() {
        #expect(throws: CSVReadError.self) { _ = try ByteFile.readAll("/nonexistent/veto-rules.yml", limit: 100) }
    }

    /// A pipe is read up to the limit and refused past it (its size is not known beforehand).
    @Test func pipeIsReadUpToTheLimit() throws {
        for (count, limit, ok) in [(500, 1000, true), (300_000, 200_000, false)] {
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            let path = "/dev/fd/\(fds[0])"
            let writer = fds[1]
            let total = count
            let thread = Thread { // a writer that may block when the pipe is full
                let chunk = [UInt8](repeating: 0x42, count: total)
                _ = chunk.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
                close(writer)
            }
            thread.start()
            do {
                let got = try ByteFile.readAll(path, limit: limit)
                #expect(ok && got.count == count)
            } catch {
                #expect(!ok)
                #expect(error.description.contains("\(limit)"))
            }
            // Drain what the writer still has to write, so it never meets a closed pipe.
            var sink = [UInt8](repeating: 0, count: 1 << 16)
            while read(fds[0], &sink, sink.count) > 0 {}
            close(fds[0])
            thread.join()
        }
    }
}

/// A minimal joinable thread on pthreads (no Foundation in this test target).
final class Thread: @unchecked Sendable {
    private let body: () -> Void
    private var handle = pthread_t()
    init(_ body: @escaping () -> Void) { self.body = body }
    func start() {
        let me = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&handle, nil, { arg in
            let t = Unmanaged<Thread>.fromOpaque(arg!).takeRetainedValue()
            t.body()
            return nil
        }, me)
    }
    func join() { pthread_join(handle, nil) }
}
