import Crypto
import Foundation
import SigilContainers
import SigilTestSupport
import Testing

@testable import SigilProvenance

#if canImport(Glibc)
    import Glibc
#endif

/// C2PA signing of a file as it streams (``StreamingManifestCarrying``): the signer reads the file on disk through a
/// ``FileByteSource`` (or an edited view of it), returns pieces of that file and the store's bytes, and the result
/// is the file the in-memory signer writes but for the store itself (its instance ID and signature are new each
/// time); it validates, and the signer never needed the file in memory.
@Suite struct StreamingC2PATests {
    static let names = ["chord.wav", "clip.mp4", "chord.m4a"]

    /// The signed file `pieces` describe, with `original` the bytes of the file they copy from.
    static func write(_ pieces: [EditPlan.Piece], from original: [UInt8]) -> [UInt8] {
        pieces.reduce(into: [UInt8]()) { out, piece in
            switch piece {
            case .bytes(let bytes): out += bytes
            case .original(let range): out += original[range]
            }
        }
    }

    /// `body` with the example `name` open as a ``FileByteSource``.
    static func withFile<T>(_ name: String, _ body: (FileByteSource, [UInt8]) throws -> T) throws -> T {
        let url = ProvenanceTestSupport.examples.appendingPathComponent(name)
        let bytes = try ProvenanceTestSupport.example(name)
        let fd = open(url.path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        return try body(FileByteSource(descriptor: fd, count: bytes.count, path: url.path), bytes)
    }

    static func signer() -> C2PASigner { C2PASigner(identity: ProvenanceTestSupport.development.identity) }

    /// The layout (decision 0036) is the signed file with zeros for the store: the same pieces, the same lengths, so a
    /// writer that laid it out only writes the store into place. A store at the file's end (RIFF) gives the whole
    /// file's SHA-256 from the data hash's pass; a BMFF store near the start does not.
    @Test(arguments: names + ["clip.avi"])
    func theLayoutIsTheSignedFileWithAStandInStore(name: String) throws {
        try Self.withFile(name) { file, original in
            let format = try #require(MediaRegistry.standard.format(of: original))
            let content = C2PASigner.Content(label: C2PASigningTests.label, title: name)
            let (now, id) = (Date(), UUID())
            let layout = try Self.signer().layout(file, format: format, content: content, now: now, manifestID: id)
            let signed = try Self.signer().sign(file as any ByteSource, format: format, content: content, now: now, manifestID: id)
            #expect(layout.exclusion == signed.exclusion)
            #expect(layout.store == [UInt8](repeating: 0, count: signed.store.count))
            #expect(layout.file.pieces.count == signed.file.pieces.count)
            for (laid, final) in zip(layout.file.pieces, signed.file.pieces) {
                switch (laid, final) {
                case (.original(let a), .original(let b)): #expect(a == b)
                case (.bytes(let a), .bytes(let b)): #expect(a.count == b.count)
                default: Issue.record("\(name): a piece changed kind")
                }
            }
            let laidOut = Self.write(layout.file.pieces, from: original)
            let written = Self.write(signed.file.pieces, from: original)
            #expect(Array(laidOut[..<signed.exclusion.lowerBound]) == Array(written[..<signed.exclusion.lowerBound]))
            #expect(layout.fileSHA256 == nil, "nothing is hashed for a layout")
            if format == .wav || format == .avi {
                #expect(signed.fileSHA256 == Array(SHA256.hash(data: written)), "the data hash's pass gives the file's SHA-256")
            } else {
                #expect(signed.fileSHA256 == nil)
            }
        }
    }

    @Test(arguments: names)
    func aFileSignedAsItStreamsIsTheInMemoryResultButForTheStore(name: String) throws {
        try Self.withFile(name) { file, original in
            let format = try #require(MediaRegistry.standard.format(of: original))
            let content = C2PASigner.Content(label: C2PASigningTests.label, title: name)
            let streamed = try Self.signer().sign(file as any ByteSource, format: format, content: content)
            #expect(streamed.file.base is FileByteSource, "the pieces are spans of the file on disk")
            let written = Self.write(streamed.file.pieces, from: original)
            let inMemory = try Self.signer().sign(original, format: format, content: content)
            #expect(written.count == inMemory.bytes.count)
            #expect(streamed.exclusion == inMemory.exclusion)
            #expect(Array(written[streamed.exclusion].suffix(streamed.store.count)) == streamed.store, "the store ends its container")
            #expect(Array(written[..<streamed.exclusion.lowerBound]) == Array(inMemory.bytes[..<inMemory.exclusion.lowerBound]))
            #expect(Array(written[streamed.exclusion.upperBound...]) == Array(inMemory.bytes[inMemory.exclusion.upperBound...]))
            let report = C2PAValidator(options: .init(trustAnchors: ProvenanceTestSupport.anchors)).validate(written)
            #expect(report.state == .valid, "\(name): \(report.failure)")
            #expect(report.aigcLabel == C2PASigningTests.label)
        }
    }

    /// A store already in the file is replaced, and an edit made before signing (a label written into the view) is
    /// resolved into pieces of the file on disk, not of the view.
    @Test(arguments: names)
    func aSignedFileIsResignedThroughAnEditedView(name: String) throws {
        try Self.withFile(name) { file, original in
            let format = try #require(MediaRegistry.standard.format(of: original))
            let content = C2PASigner.Content(label: C2PASigningTests.label, title: name)
            let once = try Self.signer().sign(original, format: format, content: content)
            // The view: the once-signed file as an edit of the original (the store's edits), read from disk.
            let carrier = try #require(MediaRegistry.standard.handler(for: format) as? any StreamingManifestCarrying)
            let placed = try carrier.manifestEdits(once.store, in: file)
            #expect(try carrier.manifestRemovalEdits(in: file).isEmpty, "the example holds no store")
            let view = EditedByteSource(file, plan: placed.plan)
            #expect(try view.read(0..<view.count) == once.bytes)
            let twice = try Self.signer().sign(view as any ByteSource, format: format, content: content)
            #expect(twice.file.base is FileByteSource, "two stages resolve to one level over the file")
            let written = Self.write(twice.file.pieces, from: original)
            #expect(written.count == once.bytes.count, "the old store is gone, the new one is as long")
            let report = C2PAValidator().validate(written)
            #expect(report.state == .validUntrustedSigner, "\(name): \(report.failure)")
            #expect(try carrier.findManifestStores(in: written).count == 1)
        }
    }
}
