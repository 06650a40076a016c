// swift-tools-version: 6.1
// The benchmark is its own package so that library users never resolve hdrhistogram-swift.
import PackageDescription

let package = Package(
    name: "SigilBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Sigil", path: ".."),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .executableTarget(
            name: "sigil-bench",
            dependencies: [
                .product(name: "Sigil", package: "Sigil"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        )
    ]
)
