// swift-tools-version: 6.1
// The benchmark is its own package so that library users never resolve hdrhistogram-swift.
import PackageDescription

let package = Package(
    name: "SigilBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Sigil", path: ".."),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
    ],
    targets: [
        // Watermark robustness/speed/false-positive tool (see Benchmarks/WATERMARK.md).
        .executableTarget(
            name: "sigil-wm-bench",
            dependencies: [
                .product(name: "SigilWatermark", package: "Sigil"),
                .product(name: "SigilImaging", package: "Sigil"),
                .product(name: "SigilCore", package: "Sigil"),
            ]
        ),
        // Audio watermark: false-positive run over unmarked windows and in-process embed/detect speed (issue 17).
        .executableTarget(
            name: "sigil-aw-bench",
            dependencies: [
                .product(name: "SigilAudioMark", package: "Sigil"), .product(name: "SigilAudio", package: "Sigil"),
                .product(name: "SigilContainers", package: "Sigil"), .product(name: "SigilCore", package: "Sigil"),
            ]
        ),
        // C2PA sign+embed and validate of a 12 MP JPEG beside c2pa-python and SHA-256 (decision 0202).
        .executableTarget(
            name: "sigil-c2pa-bench",
            dependencies: [.product(name: "SigilProvenance", package: "Sigil"), .product(name: "SigilImaging", package: "Sigil")]
        ),
        // Generation-record log: appends/s (SQLite, PostgreSQL), proof and checkpoint latency (docs/SCALING.md).
        .executableTarget(
            name: "sigil-log-bench",
            dependencies: [
                .product(name: "SigilLedger", package: "Sigil"),
                .product(name: "SigilStore", package: "Sigil"),
                .product(name: "SigilStorePostgres", package: "Sigil"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The lookup of a text by its fingerprint: the scan of decision 0605 beside the index of decision 0606.
        .executableTarget(
            name: "sigil-textindex-bench",
            dependencies: [.product(name: "SigilStore", package: "Sigil"), .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // Provider duties on the request path: prompt screening beside a per-phrase scan, authorisation beside an INSERT.
        .executableTarget(
            name: "sigil-duties-bench",
            dependencies: [
                .product(name: "SigilCompliance", package: "Sigil"),
                .product(name: "SigilStore", package: "Sigil"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The video opening label: head-only re-encode beside ffmpeg's whole re-encode and a 2-s re-encode (issue 18).
        .executableTarget(
            name: "sigil-video-bench",
            dependencies: [
                .product(name: "SigilVideo", package: "Sigil"), .product(name: "SigilImaging", package: "Sigil"),
                .product(name: "SigilCore", package: "Sigil"),
            ]
        ),
        // The video watermark's false-positive run on unmarked 2-s windows (issue 19).
        .executableTarget(
            name: "sigil-vw-bench",
            dependencies: [
                .product(name: "SigilWatermark", package: "Sigil"), .product(name: "SigilWatermarkCore", package: "Sigil"),
                .product(name: "SigilVideo", package: "Sigil"), .product(name: "SigilFFmpeg", package: "Sigil"),
                .product(name: "SigilCore", package: "Sigil"),
            ]
        ),
        // Explicit text label check throughput beside UTF-8 validation of the same buffer (issue 20).
        .executableTarget(
            name: "sigil-text-bench",
            dependencies: [.product(name: "SigilText", package: "Sigil")]
        ),
        .executableTarget(
            name: "sigil-bench",
            dependencies: [
                .product(name: "Sigil", package: "Sigil"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        )
    ]
)
