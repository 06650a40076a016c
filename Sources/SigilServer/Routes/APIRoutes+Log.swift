import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil

extension APIRoutes {
    /// `GET /v1/log/checkpoint`: the latest signed checkpoint (a c2sp.org/signed-note).
    func checkpoint(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let checkpoint = try await service.keeper.store.latestCheckpoint()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: checkpoint.note)))
    }

    /// `GET /v1/log/tile/<L>/<N>[.p/<W>]` and `/v1/log/tile/entries/<N>[.p/<W>]` (c2sp.org/tlog-tiles): hash tiles
    /// are W×32 bytes; entry bundles are each entry behind a big-endian 16-bit length. Only what the latest
    /// checkpoint covers is served; tiles never change once served, so they are cacheable for ever.
    func tile(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let path = "tile/" + context.parameters.getCatchAll().joined(separator: "/")
        let id: TileID
        do {
            id = try TileID(path: path)
        } catch let error as SigilError {
            throw APIError(.badRequest, error.code.rawValue, error.message)
        }
        let size = try await service.keeper.store.latestCheckpoint().checkpoint.size
        var body: [UInt8] = []
        if id.level == TileID.entriesLevel {
            let (start, overflow) = id.index.multipliedReportingOverflow(by: UInt64(TileID.fullWidth))
            guard !overflow, start <= size, UInt64(id.width) <= size - start else {
                throw APIError(.notFound, "not-found", "\(path) is beyond the checkpoint of \(size) entries")
            }
            for index in start..<(start + UInt64(id.width)) {
                let entry = try await service.keeper.store.entry(at: index)
                guard entry.count <= 0xFFFF else { throw APIError(.internalServerError, "internal", "entry \(index) is too long for a bundle") }
                body += [UInt8(entry.count >> 8), UInt8(entry.count & 0xFF)] + entry
            }
        } else {
            // A tile of level L, index N and width W needs the first 256^L × (256·N + W) leaves signed.
            let (base, overflow) = id.index.multipliedReportingOverflow(by: UInt64(TileID.fullWidth))
            guard !overflow, base <= UInt64.max - UInt64(id.width), let needed = Self.leaves(base + UInt64(id.width), level: id.level), needed <= size
            else {
                throw APIError(.notFound, "not-found", "\(path) is beyond the checkpoint of \(size) entries")
            }
            let hashes = try await service.keeper.store.tile(level: id.level, index: id.index)
            guard hashes.count >= id.width else { throw APIError(.notFound, "not-found", "\(path) is not stored") }
            for hash in hashes.prefix(id.width) { body += hash.bytes }
        }
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `count` level-L hashes as leaves (256^L × count); nil on overflow.
    static func leaves(_ count: UInt64, level: Int) -> UInt64? {
        var n = count
        for _ in 0..<level {
            let (m, overflow) = n.multipliedReportingOverflow(by: 256)
            if overflow { return nil }
            n = m
        }
        return n
    }

    /// `GET /v1/log/proof/{index}[?size=N]`: the entry's offline proof (c2sp.org/tlog-proof).
    func proof(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let text = try context.parameters.require("index")
        guard let index = UInt64(text) else { throw APIError(.badRequest, "usage", "\(text) is not a log index") }
        let size = try request.uri.queryParameters["size"].map { s -> UInt64 in
            guard let n = UInt64(String(s)) else { throw APIError(.badRequest, "usage", "size=\(s) is not a tree size") }
            return n
        }
        let latest = try await service.keeper.store.latestCheckpoint().checkpoint.size
        guard index < latest else { throw APIError(.notFound, "not-found", "entry \(index) is not in the checkpoint of \(latest) entries") }
        if let size, size <= index || size > latest {
            throw APIError(.badRequest, "usage", "size \(size) must be above the index and at most the checkpoint's \(latest)")
        }
        let proof = try await service.keeper.store.tlogProof(index: index, size: size)
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: proof.text)))
    }
}
