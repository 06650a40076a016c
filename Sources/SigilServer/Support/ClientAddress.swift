import Foundation
import NIOCore

/// Which address a request counts against for rate limits. `X-Forwarded-For` is written by whoever sends the
/// request, so it is believed only as far as the chain of trusted proxies reaches: when the peer is a trusted proxy,
/// the client is the right-most forwarded address that is not itself a trusted proxy (each proxy appends the address
/// it received from); anything to its left was written by the client and is ignored.
enum ClientAddress {
    /// The client of a request from `peer` carrying the `X-Forwarded-For` values `forwarded` (in header order).
    static func resolve(peer: String?, forwarded: [String], trusted: Set<String>) -> String {
        guard let peer = peer.map(normalize) else { return "unknown" }
        guard trusted.contains(peer) else { return peer }
        let hops = forwarded.flatMap { $0.split(separator: ",") }.map { normalize(String($0)) }.filter { !$0.isEmpty }
        if let client = hops.last(where: { !trusted.contains($0) }) { return client }
        // Every hop is a trusted proxy: the request started at the left-most one.
        return hops.first ?? peer
    }

    /// An address as written in a header or a setting: trimmed, IPv4-mapped IPv6 as IPv4, `[v6]` and `v4:port` without
    /// the port.
    static func normalize(_ text: String) -> String {
        var address = text.trimmingCharacters(in: .whitespaces).lowercased()
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            address = String(address[address.index(after: address.startIndex)..<end])
        } else if address.filter({ $0 == ":" }).count == 1, let colon = address.firstIndex(of: ":") {
            address = String(address[..<colon])
        }
        if address.hasPrefix("::ffff:"), address.contains(".") { address.removeFirst(7) }
        return address
    }

    /// `SIGIL_TRUSTED_PROXIES` / `--trusted-proxies`: comma-separated addresses.
    static func parseList(_ text: String) -> [String] {
        text.split(separator: ",").map { normalize(String($0)) }.filter { !$0.isEmpty }
    }

    /// Whether `text` is an IPv4 or IPv6 address.
    static func isAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}
