// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

var targets: [Target] = [
    // MARK: C libraries from Debian (pkg-config)
    .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
    .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
    .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // OpenSSL 3's libcrypto, for SM2/SM3 only (PG-202511A signatures); everything else uses swift-crypto.
    .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    // EBU R128 / ITU-R BS.1770 loudness, for the audio rhythm label's level.
    .systemLibrary(name: "CEBUR128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
    // Chromaprint, the audio fingerprint a record is found by once a sound lost its labels.
    .systemLibrary(name: "CChromaprint", pkgConfig: "libchromaprint", providers: [.apt(["libchromaprint-dev"])]),

    // copy_file_range(2), which Glibc's Swift module does not expose.
    .target(name: "CSigilIO"),
    .target(name: "CSigilDSP"),

    // MARK: Library modules
    .target(name: "SigilCore", swiftSettings: upcoming),
    .target(
        name: "SigilContainers",
        dependencies: [
            "SigilCore", "CZlib", .product(name: "Yams", package: "Yams"),
            // PDF's standard security handler: MD5, SHA-2 and AES-CBC (decision 0028).
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
        ],
        swiftSettings: upcoming
    ),
    .target(name: "SigilFFmpeg", dependencies: ["SigilCore"], swiftSettings: upcoming),
    .target(name: "SigilText", dependencies: ["SigilCore", "SigilContainers"], swiftSettings: upcoming),
    .target(
        name: "SigilTextMark",
        dependencies: ["SigilCore", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: upcoming
    ),
    // The text mark's C ABI (`libsigiltextmark.so`, header Integrations/c/sigil_textmark.h) for generators that are not Swift.
    .target(name: "SigilTextMarkC", dependencies: ["SigilTextMark", "SigilCore"], swiftSettings: upcoming),
    .target(
        name: "SigilAudio", dependencies: ["SigilCore", "SigilContainers", "SigilFFmpeg", "SigilAudioMark", "CEBUR128", "CChromaprint"],
        swiftSettings: upcoming),
    .target(
        name: "SigilImaging",
        dependencies: ["SigilCore", "CTurboJPEG", "CPNG", "CWebP", "CFreeType"],
        swiftSettings: upcoming
    ),
    .target(name: "SigilVideo", dependencies: ["SigilCore", "SigilImaging", "SigilFFmpeg"], swiftSettings: upcoming),
    .target(
        name: "SigilKeys",
        dependencies: ["SigilCore", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: upcoming
    ),
    // What the image and audio marks share: the key and its derivations, the payload ‖ keyed tag coding and the
    // convolutional code.
    .target(
        name: "SigilWatermarkCore",
        dependencies: ["SigilCore", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: upcoming
    ),
    .target(name: "SigilWatermark", dependencies: ["SigilCore", "SigilWatermarkCore", "SigilImaging", "CSigilDSP"], swiftSettings: upcoming),
    .target(name: "SigilAudioMark", dependencies: ["SigilCore", "SigilWatermarkCore"], swiftSettings: upcoming),
    // The video mark: the image mark's tile fixed on every frame, frames streamed through ffmpeg (decision 0106).
    .target(
        name: "SigilVideoMark", dependencies: ["SigilCore", "SigilWatermark", "SigilFFmpeg", "SigilVideo"], swiftSettings: upcoming),
    .target(
        name: "SigilProvenance",
        dependencies: [
            "SigilCore", "SigilContainers", "SigilKeys", "COpenSSL",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ],
        swiftSettings: upcoming
    ),
    .target(
        name: "SigilLedger",
        dependencies: ["SigilCore", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: upcoming
    ),
    .target(
        name: "SigilStore",
        dependencies: [
            "SigilCore", "SigilLedger", "SigilKeys",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "SQLiteKit", package: "sqlite-kit"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ],
        swiftSettings: upcoming
    ),
    .target(
        name: "SigilStorePostgres",
        dependencies: [
            "SigilStore",
            .product(name: "PostgresKit", package: "postgres-kit"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ],
        swiftSettings: upcoming
    ),
    .target(
        name: "SigilAccess",
        dependencies: [
            "SigilCore", "SigilLedger", "SigilStore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SQLKit", package: "sql-kit"),
        ],
        swiftSettings: upcoming
    ),
    .target(
        name: "SigilCompliance",
        dependencies: [
            "SigilCore", "SigilStore", "SigilKeys",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        swiftSettings: upcoming
    ),
    .target(
        name: "Sigil",
        dependencies: [
            "SigilCore", "SigilContainers", "SigilImaging", "SigilKeys", "SigilWatermark", "SigilAudioMark", "SigilVideoMark",
            "SigilProvenance", "SigilLedger", "SigilStore", "CSigilIO", "SigilAudio", "SigilFFmpeg", "SigilVideo", "SigilText",
            "SigilTextMark",
        ],
        swiftSettings: upcoming
    ),
    .target(
        name: "SigilServer",
        dependencies: [
            "Sigil", "SigilAccess", "SigilCompliance", "SigilStorePostgres",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ],
        resources: [.copy("Resources")],
        swiftSettings: upcoming
    ),
    // The CLI's module is SigilCLI (Sources/Sigil and Sources/sigil would collide on a case-insensitive disk); its
    // product, and so the binary, is still `sigil`.
    .executableTarget(
        name: "SigilCLI",
        dependencies: [
            "Sigil", "SigilAccess", "SigilServer", "SigilCompliance", "SigilStorePostgres", "CSigilIO",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: upcoming
    ),

    // MARK: Tests
    // Helpers the test targets share: paths, running programs, a throwaway PostgreSQL server.
    .target(name: "SigilTestSupport", path: "Tests/SigilTestSupport", swiftSettings: upcoming),
    .testTarget(name: "SigilCoreTests", dependencies: ["SigilCore"], swiftSettings: upcoming),
    .testTarget(
        name: "SigilContainersTests", dependencies: ["SigilContainers", "SigilTestSupport"], resources: [.copy("Resources")], swiftSettings: upcoming),
    .testTarget(name: "SigilTextTests", dependencies: ["SigilText", "SigilContainers", "SigilTestSupport"], swiftSettings: upcoming),
    .testTarget(
        name: "SigilTextMarkTests", dependencies: ["SigilTextMark", "SigilTestSupport"], resources: [.copy("Resources")],
        swiftSettings: upcoming
    ),
    .testTarget(
        name: "SigilTextMarkCTests", dependencies: ["SigilTextMarkC", "SigilTextMark", "SigilTestSupport"], swiftSettings: upcoming
    ),
    .testTarget(name: "SigilAudioTests", dependencies: ["SigilAudio", "SigilContainers", "SigilTestSupport"], swiftSettings: upcoming),
    .testTarget(name: "SigilImagingTests", dependencies: ["SigilImaging", "SigilContainers"], swiftSettings: upcoming),
    .testTarget(name: "SigilVideoTests", dependencies: ["SigilVideo", "SigilImaging", "SigilFFmpeg", "SigilTestSupport"], swiftSettings: upcoming),
    .testTarget(name: "SigilKeysTests", dependencies: ["SigilKeys"], swiftSettings: upcoming),
    .testTarget(name: "SigilWatermarkTests", dependencies: ["SigilWatermark", "SigilWatermarkCore", "SigilImaging"], swiftSettings: upcoming),
    .testTarget(name: "SigilAudioMarkTests", dependencies: ["SigilAudioMark", "SigilWatermarkCore"], swiftSettings: upcoming),
    .testTarget(
        name: "SigilVideoMarkTests", dependencies: ["SigilVideoMark", "SigilWatermark", "SigilFFmpeg", "SigilTestSupport"],
        swiftSettings: upcoming),
    .testTarget(
        name: "SigilProvenanceTests",
        dependencies: ["SigilProvenance", "SigilImaging", "SigilTestSupport", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: upcoming),
    .testTarget(name: "SigilLedgerTests", dependencies: ["SigilLedger"], swiftSettings: upcoming),
    .testTarget(
        name: "SigilComplianceTests",
        dependencies: [
            "SigilCompliance", "SigilAccess", "SigilStore", "SigilStorePostgres", "SigilTestSupport", .product(name: "SQLKit", package: "sql-kit"),
        ],
        swiftSettings: upcoming
    ),
    .testTarget(
        name: "SigilStoreTests",
        dependencies: ["SigilStore", "SigilStorePostgres", "SigilTestSupport", .product(name: "NIOPosix", package: "swift-nio")],
        swiftSettings: upcoming),
    .testTarget(
        name: "SigilServerTests",
        dependencies: [
            "SigilServer", "Sigil", "SigilAccess", "SigilImaging", "SigilStorePostgres", "SigilCLI", "SigilTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        swiftSettings: upcoming
    ),
    .testTarget(name: "SigilTests", dependencies: ["Sigil", "SigilCLI", "SigilTestSupport"], exclude: ["Resources"], swiftSettings: upcoming),
]

// libFuzzer harnesses are built only by `make fuzz` (SIGIL_FUZZ=1), so ordinary builds never need the fuzzer runtime.
if Context.environment["SIGIL_FUZZ"] == "1" {
    targets.append(
        .executableTarget(
            name: "SigilFuzz",
            dependencies: ["SigilAudio", "SigilAudioMark", "SigilContainers", "SigilCore", "SigilProvenance", "SigilText", "SigilTextMark"],
            path: "Fuzz/Sources/SigilFuzz",
            exclude: ["FuzzerDriver.h"],
            swiftSettings: upcoming + [
                .unsafeFlags([
                    "-sanitize=fuzzer,address", "-parse-as-library",
                    "-import-objc-header", Context.packageDirectory + "/Fuzz/Sources/SigilFuzz/FuzzerDriver.h",
                ])
            ],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ))
}

let package = Package(
    name: "Sigil",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Sigil", targets: ["Sigil"]),
        .library(name: "SigilCore", targets: ["SigilCore"]),
        .library(name: "SigilContainers", targets: ["SigilContainers"]),
        .library(name: "SigilAudio", targets: ["SigilAudio"]),
        .library(name: "SigilText", targets: ["SigilText"]),
        .library(name: "SigilTextMark", targets: ["SigilTextMark"]),
        .library(name: "sigiltextmark", type: .dynamic, targets: ["SigilTextMarkC"]),
        .library(name: "SigilImaging", targets: ["SigilImaging"]),
        .library(name: "SigilWatermarkCore", targets: ["SigilWatermarkCore"]),
        .library(name: "SigilWatermark", targets: ["SigilWatermark"]),
        .library(name: "SigilAudioMark", targets: ["SigilAudioMark"]),
        .library(name: "SigilVideoMark", targets: ["SigilVideoMark"]),
        .library(name: "SigilVideo", targets: ["SigilVideo"]),
        .library(name: "SigilFFmpeg", targets: ["SigilFFmpeg"]),
        .library(name: "SigilProvenance", targets: ["SigilProvenance"]),
        .library(name: "SigilLedger", targets: ["SigilLedger"]),
        .library(name: "SigilStore", targets: ["SigilStore"]),
        .library(name: "SigilStorePostgres", targets: ["SigilStorePostgres"]),
        .library(name: "SigilAccess", targets: ["SigilAccess"]),
        .library(name: "SigilCompliance", targets: ["SigilCompliance"]),
        .library(name: "SigilServer", targets: ["SigilServer"]),
        .executable(name: "sigil", targets: ["SigilCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: targets
)
