// swift-tools-version: 6.0
import PackageDescription

let uncheckedExclusivity: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "veto",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "veto", targets: ["veto"]),
        .library(name: "Veto", targets: ["Veto"]),
        .library(name: "VetoCSV", targets: ["VetoCSV"]),
        .library(name: "VetoStats", targets: ["VetoStats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Release builds leave out the run-time exclusivity checks of class properties and globals
        // in the two hot modules (7 % of a check's instructions); debug builds, and so `make
        // test`, keep them, so a violation still traps in the suite.
        // libcsv (Debian libcsv-dev): link "csv"; only VetoCSV imports it.
        .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV"),
        // Bytes -> records: transcoding, libcsv, positions, structural findings.
        .target(name: "VetoCSV", dependencies: ["CLibCSV"], swiftSettings: uncheckedExclusivity),
        // Statistics for the forensic detectors: special functions, exact tests, digit tests.
        // No dependencies, pure functions and value types.
        .target(name: "VetoStats", exclude: ["README.md"]),
        // Records -> typed rows -> rules -> findings -> verdicts -> reporters.
        .target(name: "Veto", dependencies: ["VetoCSV", "VetoStats", .product(name: "Yams", package: "Yams")],
                swiftSettings: uncheckedExclusivity),
        // The command line: arguments, output choice, exit codes.
        .executableTarget(name: "veto", dependencies: [
            "Veto", "VetoCSV",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The reader alone (records + exact numbers), for benchmarks/.
        .executableTarget(name: "veto-readbench", dependencies: ["Veto"], path: "benchmarks/readbench"),
        .testTarget(name: "VetoCSVTests", dependencies: ["VetoCSV"]),
        .testTarget(name: "VetoTests", dependencies: ["Veto", "VetoCSV"]),
        .testTarget(name: "VetoCLITests", dependencies: ["Veto"]),
        .testTarget(name: "VetoStatsTests", dependencies: ["VetoStats"]),
    ]
)
