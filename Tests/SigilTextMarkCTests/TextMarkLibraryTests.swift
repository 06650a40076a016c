import Foundation
import SigilTestSupport
import Testing

/// The built `libsigiltextmark.so` from outside Swift: a C program compiled against
/// `Integrations/c/sigil_textmark.h`. It needs the library product built first
/// (`swift build --product sigiltextmark`; `swift build --build-tests` does not build it) and is skipped otherwise.
@Suite struct TextMarkLibraryTests {
    /// The built library: beside the test bundle, else in the checkout's `.build/debug` or `.build/release`.
    static let library: String? = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates: [String] = []
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("libsigiltextmark.so").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates += ["debug", "release"].map { TestPaths.root.appendingPathComponent(".build/\($0)/libsigiltextmark.so").path }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }()

    @Test(
        .enabled(if: library != nil, "libsigiltextmark.so is not built (swift build --product sigiltextmark)"),
        .enabled(if: TestPaths.which("cc") != nil, "needs a C compiler"))
    func aCProgramBuildsAgainstTheHeaderAndDetectsWhatItMarked() throws {
        let cc = try #require(TestPaths.which("cc"))
        let library = URL(fileURLWithPath: try #require(Self.library))
        let folder = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let program = folder.appendingPathComponent("demo").path
        let c = TestPaths.root.appendingPathComponent("Integrations/c")
        let directory = library.deletingLastPathComponent().path
        let build = try TestProcess.run(
            cc,
            [
                "-std=c11", "-Wall", "-Werror", "-I", c.path, c.appendingPathComponent("example/sigil_textmark_demo.c").path, "-o", program,
                "-L", directory, "-lsigiltextmark", "-Wl,-rpath,\(directory)", "-lm",
            ])
        try #require(build.status == 0, "\(build.stderr)")
        let run = try TestProcess.run(program, [])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("marked: yes"), "\(run.stdout)")
        #expect(run.stdout.contains("unmarked: no"), "\(run.stdout)")
    }
}
