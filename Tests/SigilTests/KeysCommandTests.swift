import Foundation
import Testing
import Sigil
import SigilTestSupport

/// `sigil keys` and the provenance members of `label`/`verify` (`c2pa`, `integrity`, `--trust-anchors`).
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct KeysCommandTests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue

    @Test func initAnchorLabelAndVerifyWithTrustAnchors() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        let initRun = try TestSupport.run(sigil, ["keys", "init", "--keys", keys, "--organization", "Acme AI"])
        #expect(initRun.status == 0, "\(initRun.stderr)")
        #expect(initRun.stdout.contains("c2pa/chain.pem"))
        #expect(try TestSupport.run(sigil, ["keys", "init", "--keys", keys]).status == 2, "refuses to overwrite without --force")

        let anchor = try TestSupport.run(sigil, ["keys", "anchor", "--keys", keys])
        #expect(anchor.status == 0)
        #expect(anchor.stdout.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let anchorFile = dir.appendingPathComponent("anchor.pem")
        try anchor.stdout.write(to: anchorFile, atomically: true, encoding: .utf8)

        let out = dir.appendingPathComponent("out.jpg").path
        let label = try TestSupport.run(
            sigil,
            [
                "label", TestSupport.examples.appendingPathComponent("landscape.jpg").path, "-o", out, "--producer", producer,
                "--marks", "implicit,c2pa", "--keys", keys, "--json", "--no-record",
            ])
        #expect(label.status == 0, "\(label.stderr)")
        #expect(label.stdout.contains("urn:c2pa:"))
        #expect(!label.stderr.contains("development key"), "keys init made the keys; no first-use warning")

        let untrusted = try TestSupport.run(sigil, ["verify", out, "--json", "--keys", keys, "--no-decode"])
        #expect(untrusted.status == 0, "\(untrusted.stdout)\(untrusted.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(untrusted.stdout.utf8)) as? [String: Any])
        let c2pa = try #require(report["c2pa"] as? [String: Any])
        #expect(c2pa["state"] as? String == "valid-untrusted-signer")
        #expect(c2pa["codes"] as? [String] == ["signingCredential.untrusted"])
        #expect((c2pa["signer"] as? [String: Any])?["organization"] as? String == "Acme AI")
        #expect(c2pa["digitalSourceType"] as? String == "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
        let integrity = try #require(report["integrity"] as? [String: Any])
        #expect(integrity["state"] as? String == "valid")
        #expect(integrity["keyKnown"] as? Bool == true)

        let trusted = try TestSupport.run(sigil, ["verify", out, "--json", "--keys", keys, "--no-decode", "--trust-anchors", anchorFile.path])
        #expect(trusted.stdout.contains("\"state\": \"valid\"") || trusted.stdout.contains("\"state\":\"valid\""), "\(trusted.stdout)")

        // One flipped byte in the image data: both checks fail, verify exits 1 and names why.
        var bytes = try TestSupport.read(URL(fileURLWithPath: out))
        bytes[bytes.count - 10] ^= 0x55
        let tampered = dir.appendingPathComponent("tampered.jpg")
        try Data(bytes).write(to: tampered)
        let bad = try TestSupport.run(sigil, ["verify", tampered.path, "--keys", keys, "--no-decode"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("assertion.dataHash.mismatch"))
        #expect(bad.stdout.contains("integrity    invalid"))
    }

    @Test func passphraseProtectedKeys() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        let phrase = dir.appendingPathComponent("phrase")
        try "s3cret passphrase\n".write(to: phrase, atomically: true, encoding: .utf8)
        #expect(try TestSupport.run(sigil, ["keys", "init", "--keys", keys, "--passphrase-file", phrase.path]).status == 0)
        let out = dir.appendingPathComponent("out.png").path
        let input = TestSupport.examples.appendingPathComponent("gray.png").path
        let without = try TestSupport.run(
            sigil, ["label", input, "-o", out, "--producer", producer, "--marks", "implicit,c2pa", "--keys", keys, "--no-record"])
        #expect(without.status == 3)
        #expect(without.stderr.contains("passphrase"))
        let with = try TestSupport.run(
            sigil,
            [
                "label", input, "-o", out, "--producer", producer, "--marks", "implicit,c2pa", "--keys", keys, "--passphrase-file", phrase.path,
                "--no-record",
            ])
        #expect(with.status == 0, "\(with.stderr)")
    }
}
