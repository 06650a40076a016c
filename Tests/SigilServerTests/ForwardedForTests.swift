import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Sigil
@testable import SigilServer
import Testing

/// Rate limits count against the real client: `X-Forwarded-For` is believed only from trusted proxies, and only
/// its right-most untrusted address.
struct ForwardedForTests {
    static let proxies: Set<String> = ["10.0.0.5", "10.0.0.6"]

    @Test(
        "the client is the right-most untrusted hop, and only behind a trusted proxy",
        arguments: [
            // (peer, X-Forwarded-For values, expected client)
            ("203.0.113.9", ["1.2.3.4"], "203.0.113.9"), // not from a proxy: the header is ignored
            ("10.0.0.5", ["198.51.100.7"], "198.51.100.7"), // one proxy
            ("10.0.0.5", ["1.2.3.4, 198.51.100.7"], "198.51.100.7"), // the client prepended a spoofed hop
            ("10.0.0.5", ["1.2.3.4", "198.51.100.7, 10.0.0.6"], "198.51.100.7"), // two proxies, two header lines
            ("10.0.0.5", ["10.0.0.6"], "10.0.0.6"), // every hop a proxy: the left-most
            ("10.0.0.5", [], "10.0.0.5"), // no header
            ("::ffff:10.0.0.5", [" [2001:db8::7] "], "2001:db8::7"), // mapped IPv4 peer, bracketed IPv6 hop
            ("10.0.0.5", ["198.51.100.7:52311"], "198.51.100.7"), // a hop with a port
        ])
    func resolve(peer: String, forwarded: [String], expected: String) {
        #expect(ClientAddress.resolve(peer: peer, forwarded: forwarded, trusted: Self.proxies) == expected)
    }

    @Test func configuration() throws {
        var flags = ServerConfiguration.Overrides()
        flags.trustedProxies = SigilServer.parseAddressList("10.0.0.5, ::1")
        #expect(try ServerConfiguration.load(environment: [:], flags: flags).trustedProxies == ["10.0.0.5", "::1"])
        #expect(try ServerConfiguration.load(environment: ["SIGIL_TRUSTED_PROXIES": "10.0.0.7"]).trustedProxies == ["10.0.0.7"])
        flags.trustedProxies = ["lb.internal"]
        #expect(throws: SigilError(.usage, "")) { try ServerConfiguration.load(environment: [:], flags: flags) }
        #expect(throws: SigilError(.usage, "")) { try ServerConfiguration.load(environment: ["SIGIL_TRUST_FORWARDED_FOR": "true"]) }
    }

    @Test("a spoofed X-Forwarded-For does not escape the verify rate limit")
    func spoofedHeadersShareTheLimit() async throws {
        let harness = try await ServerHarness.start {
            $0.verifyBurst = 1
            $0.verifyPerMinute = 1
            $0.trustedProxies = ["127.0.0.1"]
        }
        try await harness.run { client in
            let image = try ServerHarness.example("gray.png")
            func verify(_ forwarded: String) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/v1/verify?decode=false", method: .post,
                    headers: [.contentType: "image/png", HTTPField.Name("X-Forwarded-For")!: forwarded],
                    body: .init(bytes: image)
                ).status
            }
            #expect(try await verify("198.51.100.7") == .ok)
            // The same client, with a different made-up address in front: still the same client.
            #expect(try await verify("1.1.1.1, 198.51.100.7") == .tooManyRequests)
            #expect(try await verify("2.2.2.2,198.51.100.7") == .tooManyRequests)
            // Another client behind the proxy has its own budget.
            #expect(try await verify("198.51.100.8") == .ok)
        }
        // Without trusted proxies the header is ignored: every request is the peer's.
        let direct = try await ServerHarness.start {
            $0.verifyBurst = 1
            $0.verifyPerMinute = 1
        }
        try await direct.run { client in
            let image = try ServerHarness.example("gray.png")
            for (forwarded, status) in [("198.51.100.7", HTTPResponse.Status.ok), ("198.51.100.8", .tooManyRequests)] {
                let response = try await client.execute(
                    uri: "/v1/verify?decode=false", method: .post,
                    headers: [.contentType: "image/png", HTTPField.Name("X-Forwarded-For")!: forwarded],
                    body: .init(bytes: image))
                #expect(response.status == status)
            }
        }
    }
}
