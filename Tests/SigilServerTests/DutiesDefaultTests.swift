import Foundation
import HTTPTypes
import HummingbirdTesting
import Sigil
import SigilServer
import Testing

/// The provider's duties are on unless a server is started with `--no-duties`, which is visible everywhere.
struct DutiesDefaultTests {
    @Test("a server requires a generation for every label by default")
    func onByDefault() async throws {
        #expect(ServerConfiguration().requireGeneration)
        #expect(try ServerConfiguration.load(environment: [:]).requireGeneration)
        let harness = try await ServerHarness.start { $0.requireGeneration = true }
        try await harness.run { client in
            let image = try ServerHarness.example("gray.png")
            // Leaving generationId out does not skip the checks, with or without an account reference.
            for query in ["marks=implicit", "marks=implicit&account=someone", "marks=implicit&account=acc_00000000000000000000000000000000"] {
                let refused = try await client.post("/v1/label?\(query)", image, type: "image/png", token: harness.labelToken)
                #expect(refused.status == .forbidden, "\(query): \(refused.status)")
                #expect(try refused.errorCode() == "refused")
            }
            #expect((try await client.get("/readyz").json())["duties"] as? String == "on")
        }
    }

    @Test("--no-duties is shown in /readyz and counted in the audit export")
    func offIsVisible() async throws {
        let harness = try await ServerHarness.start { $0.requireGeneration = false }
        try await harness.run { client in
            #expect((try await client.get("/readyz").json())["duties"] as? String == "off")
            let export = try await client.get("/v1/audit/export?from=2000-01-01&to=2100-01-01", token: harness.adminToken).json()
            #expect((export["duties"] as? [String: Any])?["serverStartsWithoutDuties"] as? Int == 1)
        }
    }
}
