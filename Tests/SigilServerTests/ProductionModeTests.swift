import Foundation
import Sigil
import SigilServer
import SigilTestSupport
import Testing

/// `sigil serve` runs with development keys and the development SMS sender only when told to (`--development`),
/// and a file signed with a development key says so when verified.
@Suite(.enabled(if: TestPaths.sigilBinary != nil, "the sigil executable is not built"))
struct ProductionModeTests {
    let sigil = TestPaths.sigilBinary!

    @Test("a production start refuses development keys and the development SMS sender, before any admin key is made")
    func refusesDevelopmentParts() async throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let run = try TestProcess.run(sigil, ["serve", "--data", data, "--port", "0"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--development") && run.stderr.contains("watermark.key") && run.stderr.contains("SMS"), "\(run.stderr)")
        #expect(!run.stdout.contains("sgk_"), "no admin token is shown by a refused start")
        // The keys it created are marked as development keys, so the next production start refuses them too.
        #expect(Keystore(directory: data + "/keys").isDevelopment(WatermarkKeys.itemName))
        #expect(try TestProcess.run(sigil, ["serve", "--data", data, "--port", "0"]).status != 0)
        // A provisioned key (replacing the file) is no longer a development key.
        try Keystore(directory: data + "/keys").write(WatermarkKeys.itemName, WatermarkKey.generate().bytes)
        #expect(!Keystore(directory: data + "/keys").isDevelopment(WatermarkKeys.itemName))

        var configuration = ServerConfiguration()
        configuration.data = dir.appendingPathComponent("in-process").path
        await #expect(throws: SigilError(.usage, "")) { _ = try await SigilService.open(configuration) }
        #expect(try TestProcess.run(sigil, ["serve", "--help"]).stdout.contains("--development"))
    }

    @Test func verifyReportsADevelopmentKey() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let out = dir.appendingPathComponent("signed.png").path
        let label = try TestProcess.run(
            sigil,
            [
                "label", TestPaths.examples.appendingPathComponent("gray.png").path, "-o", out,
                "--marks", "implicit,c2pa", "--data", data, "--no-record",
            ])
        #expect(label.status == 0, "\(label.stderr)")
        // Not only the run that creates them: every run that uses development keys says so.
        let again = try TestProcess.run(
            sigil,
            [
                "label", TestPaths.examples.appendingPathComponent("gray.png").path, "-o", out + ".2.png",
                "--marks", "implicit,c2pa,watermark", "--data", data, "--no-record",
            ])
        #expect(again.stderr.contains("signing with the development keys"), "\(again.stderr)")
        // An implicit-only label loads the SM2 key alone (no chain parsed) and still says so.
        let implicitOnly = try TestProcess.run(
            sigil,
            [
                "label", TestPaths.examples.appendingPathComponent("gray.png").path, "-o", out + ".3.png", "--marks", "implicit", "--data", data,
                "--no-record",
            ])
        #expect(implicitOnly.status == 0, "\(implicitOnly.stderr)")
        #expect(implicitOnly.stderr.contains("signing with the development keys"), "\(implicitOnly.stderr)")
        let verify = try TestProcess.run(sigil, ["verify", out, "--data", data, "--no-watermark"])
        #expect(verify.stdout.contains("signed with a development key"), "\(verify.stdout)")
        let json = try TestProcess.run(sigil, ["verify", out, "--data", data, "--no-watermark", "--json"])
        #expect(json.stdout.contains("\"developmentKey\" : true") || json.stdout.contains("\"developmentKey\": true"), "\(json.stdout)")
    }
}
