import Foundation
import SigilTestSupport
import Testing

/// The built `libsigiltextmark.so` from outside Swift: the Python package's own tests (ctypes) and a C program
/// compiled against `Integrations/c/sigil_textmark.h`. Both need the library product built first
/// (`swift build --product sigiltextmark`; `swift build --build-tests` does not build it) and are skipped otherwise.
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

    /// python3 on PATH with numpy importable.
    static let pythonWithNumPy: String? = {
        guard let python = TestPaths.which("python3"), (try? TestProcess.run(python, ["-c", "import numpy"]))?.status == 0 else { return nil }
        return python
    }()

    @Test(
        .enabled(if: library != nil, "libsigiltextmark.so is not built (swift build --product sigiltextmark)"),
        .enabled(if: pythonWithNumPy != nil, "needs python3 with numpy"))
    func thePythonPackagePassesItsTests() throws {
        let python = try #require(Self.pythonWithNumPy)
        let library = try #require(Self.library)
        let tests = TestPaths.root.appendingPathComponent("Integrations/python/tests").path
        let run = try TestProcess.run(
            python, ["-m", "unittest", "discover", "-v", "-s", tests],
            environment: ["SIGIL_TEXTMARK_LIBRARY": library, "PYTHONDONTWRITEBYTECODE": "1"])
        #expect(run.status == 0, "\(run.stderr)")
        // unittest reports on stderr; skipped tests would mean the library was not found.
        #expect(run.stderr.contains("OK"))
        #expect(!run.stderr.contains("skipped"), "\(run.stderr)")
    }

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
