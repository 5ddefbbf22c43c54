/// The fields of one record, as written (no trimming, quotes removed, `""` unescaped).
///
/// A record handed to a callback borrows the reader's buffers: it is valid only
/// during that callback. Keep what you need with ``strings`` or ``copy()``.
public struct CSVRecord {
    /// 0-based index among records (the header is record 0 when there is one).
    public let index: Int
    /// Physical line (1-based) where the record starts.
    public let line: Int
    /// Physical line where it ends (greater than `line` when a quoted field holds line breaks).
    public let endLine: Int
    /// Number of fields as written; may exceed ``storedCount`` for an absurdly wide record.
    public let fieldCount: Int
    @usableFromInline let storage: RecordStorage

    init(index: Int, line: Int, endLine: Int, fieldCount: Int, storage: RecordStorage) {
        self.index = index
        self.line = line
        self.endLine = endLine
        self.fieldCount = fieldCount
        self.storage = storage
    }

    /// Fields actually kept (at most the reader's `maxFieldsPerRecord`).
    public var storedCount: Int { storage.count }

    /// Calls `body` with the UTF-8 bytes of field `i` (0-based). Out of range gives an empty buffer.
    /// - Complexity: O(1).
    @inlinable
    public func withField<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(storage.field(i))
    }

    /// The UTF-8 bytes of field `i`, valid only during the callback that handed out the record.
    @inlinable
    public func unsafeField(_ i: Int) -> UnsafeBufferPointer<UInt8> { storage.field(i) }

    /// Field `i` as a String (invalid UTF-8 cannot occur: the transcoder replaced it).
    public func string(_ i: Int) -> String {
        String(decoding: storage.field(i), as: UTF8.self)
    }

    /// All kept fields as Strings.
    public var strings: [String] { (0..<storedCount).map(string) }

    /// Physical line on which field `i` starts.
    public func line(ofField i: Int) -> Int {
        guard i >= 0, i < storage.count else { return endLine }
        return Int(storage.fieldLines[i])
    }

    /// True when field `i` could not be kept as written (over the size cap, or cut by an
    /// unterminated quote: its bytes are empty), or is malformed CSV (a quote closed
    /// mid-field, `"9"97`: its bytes, `997`, are kept as text). Either way its bytes are not
    /// a figure the source holds: numeric columns must read it as unreadable.
    public func isDamaged(_ i: Int) -> Bool { !storage.damaged.isEmpty && storage.damaged.contains(i) }

    /// The record's place without its fields, for a consumer that never reads them: no bytes
    /// copied (every field reads as empty, ``storedCount`` is 0).
    public func placeOnly() -> CSVRecord {
        CSVRecord(index: index, line: line, endLine: endLine, fieldCount: fieldCount, storage: RecordStorage.empty)
    }

    /// A copy that outlives the callback.
    public func copy() -> CSVRecord {
        CSVRecord(index: index, line: line, endLine: endLine, fieldCount: fieldCount, storage: storage.copy())
    }
}

/// Reused buffers behind ``CSVRecord``: one byte buffer for all fields and their end offsets.
///
/// Raw memory rather than arrays, and `@exclusivity(unchecked)`: these are touched once per
/// field from libcsv's callback, where array uniqueness checks, retains and dynamic
/// exclusivity checks cost more than the parse itself (measured with perf). Only the
/// reader's thread touches them, never re-entrantly.
@usableFromInline
final class RecordStorage {
    @exclusivity(unchecked) @usableFromInline private(set) var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var byteCount = 0
    @exclusivity(unchecked) private var byteCapacity: Int
    @exclusivity(unchecked) @usableFromInline private(set) var ends: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private(set) var fieldLines: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) @usableFromInline private(set) var count = 0
    @exclusivity(unchecked) private var fieldCapacity: Int
    @exclusivity(unchecked) var damaged: Set<Int> = []

    init(byteCapacity: Int = 4096, fieldCapacity: Int = 64) {
        self.byteCapacity = byteCapacity
        self.fieldCapacity = fieldCapacity
        bytes = .allocate(capacity: byteCapacity)
        ends = .allocate(capacity: fieldCapacity)
        fieldLines = .allocate(capacity: fieldCapacity)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
        fieldLines.deallocate()
    }

    @inlinable
    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        guard i >= 0, i < count else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeBufferPointer(start: bytes + start, count: ends[i] - start)
    }

    @inline(__always)
    func append(_ p: UnsafeRawPointer?, _ len: Int, line: Int) {
        if byteCount + len > byteCapacity { growBytes(byteCount + len) }
        if count == fieldCapacity { growFields() }
        if let p, len > 0 {
            let src = p.assumingMemoryBound(to: UInt8.self), dst = bytes + byteCount
            if len <= 16 {
                // Most cells are a few digits: a loop beats a call to memmove.
                for k in 0..<len { dst[k] = src[k] }
            } else {
                dst.update(from: src, count: len)
            }
            byteCount += len
        }
        ends[count] = byteCount
        fieldLines[count] = Int32(truncatingIfNeeded: line)
        count += 1
    }

    private func growBytes(_ needed: Int) {
        var c = byteCapacity * 2
        while c < needed { c *= 2 }
        let n = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        n.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = n
        byteCapacity = c
    }

    private func growFields() {
        let c = fieldCapacity * 2
        let e = UnsafeMutablePointer<Int>.allocate(capacity: c)
        e.update(from: ends, count: count)
        ends.deallocate()
        ends = e
        let l = UnsafeMutablePointer<Int32>.allocate(capacity: c)
        l.update(from: fieldLines, count: count)
        fieldLines.deallocate()
        fieldLines = l
        fieldCapacity = c
    }

    /// Drops the fields from `n` on.
    func truncate(to n: Int) {
        guard n < count else { return }
        count = max(n, 0)
        byteCount = count == 0 ? 0 : ends[count - 1]
        if !damaged.isEmpty { damaged = damaged.filter { $0 < count } }
    }

    func reset() {
        byteCount = 0
        count = 0
        if !damaged.isEmpty { damaged.removeAll() }
    }

    /// No fields; shared, never written.
    nonisolated(unsafe) static let empty = RecordStorage(byteCapacity: 16, fieldCapacity: 4)

    func copy() -> RecordStorage {
        let c = RecordStorage(byteCapacity: max(byteCount, 16), fieldCapacity: max(count, 4))
        for i in 0..<count {
            let f = field(i)
            c.append(f.baseAddress.map(UnsafeRawPointer.init), f.count, line: Int(fieldLines[i]))
        }
        c.damaged = damaged
        return c
    }
}
