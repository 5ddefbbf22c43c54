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
    let storage: RecordStorage

    init(index: Int, line: Int, endLine: Int, fieldCount: Int, storage: RecordStorage) {
        self.index = index
        self.line = line
        self.endLine = endLine
        self.fieldCount = fieldCount
        self.storage = storage
    }

    /// Fields actually kept (at most the reader's `maxFieldsPerRecord`).
    public var storedCount: Int { storage.ends.count }

    /// Calls `body` with the UTF-8 bytes of field `i` (0-based). Out of range gives an empty buffer.
    /// - Complexity: O(1).
    @inline(__always)
    public func withField<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard i >= 0, i < storage.ends.count else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        let start = i == 0 ? 0 : storage.ends[i - 1]
        let end = storage.ends[i]
        return try storage.bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[start..<end]))
        }
    }

    /// Field `i` as a String (invalid UTF-8 cannot occur: the transcoder replaced it).
    public func string(_ i: Int) -> String {
        withField(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// All kept fields as Strings.
    public var strings: [String] { (0..<storedCount).map(string) }

    /// Physical line on which field `i` starts.
    public func line(ofField i: Int) -> Int {
        guard i >= 0, i < storage.fieldLines.count else { return endLine }
        return Int(storage.fieldLines[i])
    }

    /// True when field `i` could not be kept as written (over the size cap, or cut by an
    /// unterminated quote): its bytes are not the figure the source holds.
    public func isDamaged(_ i: Int) -> Bool { storage.damaged.contains(i) }

    /// A copy that outlives the callback.
    public func copy() -> CSVRecord {
        CSVRecord(index: index, line: line, endLine: endLine, fieldCount: fieldCount, storage: storage.copy())
    }
}

/// Reused buffers behind ``CSVRecord``: one byte array for all fields and their end offsets.
final class RecordStorage {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    var fieldLines: [Int32] = []
    var damaged: Set<Int> = []

    init() {
        bytes.reserveCapacity(4096)
        ends.reserveCapacity(64)
        fieldLines.reserveCapacity(64)
    }

    func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        fieldLines.removeAll(keepingCapacity: true)
        if !damaged.isEmpty { damaged.removeAll() }
    }

    func copy() -> RecordStorage {
        let c = RecordStorage()
        c.bytes = bytes
        c.ends = ends
        c.fieldLines = fieldLines
        c.damaged = damaged
        return c
    }
}
