import Foundation
import Testing

/// The shared reference folder, `../shared/reference` beside the checkout (the repository sits at
/// `/work/<checkout>`, the shared material at `/work/shared`). A fresh clone elsewhere has no such
/// folder: the tests that need it are then skipped with `Reference.absent` as the reason, never
/// passed on hard-coded results.
enum Reference {
    /// `<repo>/../shared/reference`, found from this file's path (or `$VETO_SHARED_REFERENCE`,
    /// e.g. a non-existent path to see the skip).
    static let directory: URL = ProcessInfo.processInfo.environment["VETO_SHARED_REFERENCE"]
        .map { URL(fileURLWithPath: $0, isDirectory: true) } ?? URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // → Tests/VetoStatsTests/Support
        .deletingLastPathComponent()  // → Tests/VetoStatsTests
        .deletingLastPathComponent()  // → Tests
        .deletingLastPathComponent()  // → the checkout
        .deletingLastPathComponent()  // → its parent (/work)
        .appendingPathComponent("shared/reference", isDirectory: true)

    /// Whether the reference folder (with FORENSICS.md) is there.
    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("FORENSICS.md").path)
    }

    /// Whether the Nigrini real-data folder is there.
    static var realDataAvailable: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("real/nigrini").path)
    }

    /// The skip reason shown when the folder is missing.
    static let absent = Comment(rawValue:
        "SKIPPED: the shared reference folder \(directory.path) is absent (it lives beside the checkout, "
        + "in ../shared/reference); these tests compare against its files and cannot run without them")

    /// A JSON file of the folder, parsed.
    static func json(_ relativePath: String) throws -> JSON {
        let data = try Data(contentsOf: directory.appendingPathComponent(relativePath))
        return JSON(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    /// A text file of the folder.
    static func text(_ relativePath: String) throws -> String {
        let data = try Data(contentsOf: directory.appendingPathComponent(relativePath))
        return String(decoding: data, as: UTF8.self)
    }
}

/// A read-only view of parsed JSON with optional chaining.
struct JSON: CustomStringConvertible {
    let raw: Any?

    init(_ raw: Any?) { self.raw = raw }

    subscript(_ key: String) -> JSON { JSON((raw as? [String: Any])?[key]) }
    subscript(_ index: Int) -> JSON {
        guard let a = raw as? [Any], index >= 0, index < a.count else { return JSON(nil) }
        return JSON(a[index])
    }

    var isNull: Bool { raw == nil || raw is NSNull }
    var double: Double? {
        if let n = raw as? NSNumber { return n.doubleValue }
        return nil
    }
    var int: Int? {
        if let n = raw as? NSNumber { return n.intValue }
        return nil
    }
    var string: String? { raw as? String }
    var array: [JSON] { (raw as? [Any])?.map { JSON($0) } ?? [] }
    var keys: [String] { ((raw as? [String: Any])?.keys).map { Array($0).sorted() } ?? [] }
    var doubles: [Double] { array.compactMap(\.double) }
    var ints: [Int] { array.compactMap(\.int) }
    var description: String { String(describing: raw) }
}

/// Counts and checks reference values; prints how many were reproduced.
final class ReferenceCheck {
    let file: String
    private(set) var checked = 0
    private(set) var failed = 0

    init(_ file: String) { self.file = file }

    /// Relative agreement to `relative` (1e-9 = 9 significant digits); both tiny (< 1e-300)
    /// counts as agreement for underflowed p-values.
    func close(_ got: Double, _ expected: Double?, relative: Double = 1e-9, _ what: @autoclosure () -> String,
               sourceLocation: SourceLocation = #_sourceLocation) {
        checked += 1
        guard let expected else {
            failed += 1
            Issue.record("\(file) \(what()): no reference value", sourceLocation: sourceLocation)
            return
        }
        let ok = got == expected || abs(got - expected) <= relative * max(abs(got), abs(expected))
            || (abs(got) < 1e-300 && abs(expected) < 1e-300)
        if !ok {
            failed += 1
            Issue.record("\(file) \(what()): got \(got), reference \(expected)", sourceLocation: sourceLocation)
        }
    }

    /// Absolute agreement (for values the reference prints rounded).
    func near(_ got: Double, _ expected: Double?, absolute: Double, _ what: @autoclosure () -> String,
              sourceLocation: SourceLocation = #_sourceLocation) {
        checked += 1
        guard let expected, abs(got - expected) <= absolute else {
            failed += 1
            Issue.record("\(file) \(what()): got \(got), reference \(String(describing: expected)) (±\(absolute))",
                         sourceLocation: sourceLocation)
            return
        }
    }

    /// Exact agreement.
    func equal<T: Equatable>(_ got: T, _ expected: T?, _ what: @autoclosure () -> String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        checked += 1
        if got != expected {
            failed += 1
            Issue.record("\(file) \(what()): got \(got), reference \(String(describing: expected))",
                         sourceLocation: sourceLocation)
        }
    }

    /// Exact agreement of integer lists (each element counted).
    func equal(_ got: [Int], _ expected: [Int], _ what: @autoclosure () -> String,
               sourceLocation: SourceLocation = #_sourceLocation) {
        checked += expected.count
        if got != expected {
            failed += 1
            Issue.record("\(file) \(what()): got \(got), reference \(expected)", sourceLocation: sourceLocation)
        }
    }

    /// Prints the tally (visible in `swift test` output, quoted in the README).
    func report(_ scope: String = "") {
        print("[reference] \(file)\(scope.isEmpty ? "" : " " + scope): \(checked - failed) of \(checked) values reproduced")
    }
}
