import Foundation
import Testing
import Sigil
import SigilTestSupport

/// Other tools read what Sigil writes: exiftool finds TC260:AIGC, Pillow decodes identical pixels.
@Suite struct InteropTests {
    static let exiftool = TestSupport.which("exiftool")
    static let python = TestSupport.which("python3")
    static var hasPillow: Bool {
        guard let python else { return false }
        return (try? TestSupport.run(python, ["-c", "import PIL"]).status) == 0
    }
    static let config = TestSupport.root.appendingPathComponent("Tests/SigilTests/Resources/tc260.exiftool.config").path

    @Test(
        "exiftool reads Sigil's label", .enabled(if: exiftool != nil, "exiftool not installed"),
        arguments: ["landscape.jpg", "alpha.png", "meadow.webp"])
    func exiftoolReadsTheLabel(_ name: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent(name).path
        let outcome = try Labeler(policy: try TestSupport.policy()).labelFile(at: TestSupport.examples.appendingPathComponent(name).path, to: out)
        let run = try TestSupport.run(Self.exiftool!, ["-config", Self.config, "-j", "-XMP-TC260:AIGC", "-Orientation", out])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        #expect(json?.first?["AIGC"] as? String == outcome.label.json)
    }

    @Test(
        "Pillow decodes identical pixels after a metadata-only label", .enabled(if: hasPillow, "Pillow not installed"),
        arguments: ["landscape.jpg", "alpha.png", "gray.png", "meadow.webp"])
    func pillowSeesIdenticalPixels(_ name: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = TestSupport.examples.appendingPathComponent(name).path
        let out = dir.appendingPathComponent(name).path
        try Labeler(policy: try TestSupport.policy([.implicit])).labelFile(at: input, to: out)
        let script =
            "import sys,hashlib\nfrom PIL import Image\nfor p in sys.argv[1:]:\n  im=Image.open(p); im.load(); print(im.mode, im.size, hashlib.sha256(im.tobytes()).hexdigest())"
        let run = try TestSupport.run(Self.python!, ["-c", script, input, out])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == lines.last, "pixels differ: \(lines)")
    }
}
