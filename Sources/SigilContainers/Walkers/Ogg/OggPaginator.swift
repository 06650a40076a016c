/// Lays packets out on Ogg pages (RFC 3533 §5): each packet as lacing values (255s and a last value below 255),
/// at most 255 lacing values per page, a packet that does not fit going on to the next page.
enum OggPaginator {
    /// The lacing values of a packet of `length` bytes.
    static func lacing(_ length: Int) -> [UInt8] {
        [UInt8](repeating: 255, count: length / 255) + [UInt8(length % 255)]
    }

    /// One page to write: its lacing values and body, whether it begins with the rest of a packet, and whether a
    /// packet ends on it.
    struct Page: Sendable, Hashable {
        var lacing: [UInt8] = []
        var body: [UInt8] = []
        var continued = false
        var packetEnds = false
    }

    /// `packets` on pages, filled greedily; with `pagePerPacket` each packet starts a fresh page.
    static func pages(_ packets: [[UInt8]], pagePerPacket: Bool) -> [Page] {
        var pages: [Page] = []
        var current = Page()
        var continued = false
        func flush() {
            if !current.lacing.isEmpty { pages.append(current) }
            current = Page(continued: continued)
        }
        for packet in packets {
            if pagePerPacket { flush() }
            var at = 0
            for value in lacing(packet.count) {
                if current.lacing.count == 255 {
                    continued = true
                    flush()
                }
                current.lacing.append(value)
                current.body += packet[at..<(at + Int(value))]
                at += Int(value)
            }
            current.packetEnds = true
            continued = false
        }
        flush()
        return pages
    }
}
