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

    // MARK: Library modules
    .target(name: "SigilCore", swiftSettings: upcoming),
    .target(name: "SigilContainers", dependencies: ["SigilCore", "CZlib"], swiftSettings: upcoming),
    .target(
        name: "SigilImaging",
        dependencies: ["SigilCore", "CTurboJPEG", "CPNG", "CWebP", "CFreeType"],
        swiftSettings: upcoming
    ),
    .target(name: "Sigil", dependencies: ["SigilCore", "SigilContainers", "SigilImaging"], swiftSettings: upcoming),
    .executableTarget(
        name: "sigil",
        dependencies: ["Sigil", .product(name: "ArgumentParser", package: "swift-argument-parser")],
        swiftSettings: upcoming
    ),

    // MARK: Tests
    .testTarget(name: "SigilCoreTests", dependencies: ["SigilCore"], swiftSettings: upcoming),
    .testTarget(
        name: "SigilContainersTests", dependencies: ["SigilContainers"], resources: [.copy("Resources")], swiftSettings: upcoming),
    .testTarget(name: "SigilImagingTests", dependencies: ["SigilImaging", "SigilContainers"], swiftSettings: upcoming),
    .testTarget(name: "SigilTests", dependencies: ["Sigil", "sigil"], exclude: ["Resources"], swiftSettings: upcoming),
]

// libFuzzer harnesses are built only by `make fuzz` (SIGIL_FUZZ=1), so ordinary builds never need the fuzzer runtime.
if Context.environment["SIGIL_FUZZ"] == "1" {
    targets.append(.executableTarget(
        name: "SigilFuzz", dependencies: ["SigilContainers", "SigilCore"], path: "Fuzz/Sources/SigilFuzz",
        exclude: ["FuzzerDriver.h"],
        swiftSettings: upcoming + [.unsafeFlags([
            "-sanitize=fuzzer,address", "-parse-as-library",
            "-import-objc-header", Context.packageDirectory + "/Fuzz/Sources/SigilFuzz/FuzzerDriver.h",
        ])],
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
        .library(name: "SigilImaging", targets: ["SigilImaging"]),
        .executable(name: "sigil", targets: ["sigil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: targets
)
