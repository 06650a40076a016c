import Foundation
import Testing
import SigilKeys

@Suite struct KeystoreTests {
    func temporary() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("sigil-keys-\(UUID().uuidString)").path }

    @Test func writesPrivateMaterial0600AndReadsItBack() throws {
        let store = Keystore(directory: temporary())
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        try store.write("a/secret.key", [1, 2, 3])
        #expect(try store.read("a/secret.key") == [1, 2, 3])
        let mode = try FileManager.default.attributesOfItem(atPath: store.path(of: "a/secret.key"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let dirMode = try FileManager.default.attributesOfItem(atPath: store.directory)[.posixPermissions] as? Int
        #expect(dirMode == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory + "/a") == ["secret.key"])
    }

    @Test func readOrCreateCreatesOnceAndConcurrentCallersAgree() async throws {
        let store = Keystore(directory: temporary())
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        let results = try await withThrowingTaskGroup(of: ([UInt8], Bool).self) { group in
            for i in 0..<8 { group.addTask { try store.readOrCreate("k", make: { [UInt8(i)] + Array(repeating: 0, count: 31) }) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter(\.1).count == 1, "exactly one creator")
        #expect(Set(results.map(\.0)).count == 1, "everyone reads the same key")
        // The key and the marker saying it is a development key (decision 0507); no temporary files left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted() == ["k", Keystore.developmentMarker("k")])
        #expect(store.isDevelopment("k"))
        try store.write("k", Array(repeating: 7, count: 32))
        #expect(!store.isDevelopment("k"), "a replaced key is no longer a development key")
    }

    @Test func missingKeyIsANamedError() {
        let store = Keystore(directory: "/nonexistent/keys")
        #expect(throws: SigilError(.io, "")) { try store.read("nope") }
    }

    @Test func dataDirectoryResolution() {
        #expect(DataDirectory.resolve(explicit: "/x").path == "/x")
        #expect(DataDirectory.resolve(environment: ["SIGIL_DATA": "/d"]).path == "/d")
        #expect(DataDirectory.resolve(environment: ["XDG_DATA_HOME": "/x"]).path == "/x/sigil")
        #expect(DataDirectory.resolve(environment: ["HOME": "/h"]).path == "/h/.local/share/sigil")
        #expect(DataDirectory.resolve(explicit: "/x").keystore.directory == "/x/keys")
    }
}
