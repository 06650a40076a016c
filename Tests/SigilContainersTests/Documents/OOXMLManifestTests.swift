import Foundation
import Testing
@testable import SigilContainers

/// The C2PA store entry of OOXML packages (decision 0207): where it goes, what is left untouched, what a collection
/// hash covers, and the hostile stores that are refused with a named error.
@Suite struct OOXMLManifestTests {
    static let store = Array("jumbf-store-stand-in".utf8)
    static let path = "META-INF/content_credential.c2pa"

    func contents(_ name: String, of bytes: [UInt8]) throws -> String {
        let archive = try ZIPArchive(MemoryByteSource(bytes))
        return String(decoding: try ZIPArchive.contents(of: try #require(archive.entry(name)), in: MemoryByteSource(bytes)), as: UTF8.self)
    }

    @Test func embedPutsAStoredEntryLastAndKeepsEveryOtherRecord() throws {
        let original = Build.docx()
        let (embedded, range) = try OOXMLFormat().embedManifestStore(Self.store, into: original)
        #expect(Array(embedded[range]) == Self.store)
        let before = try ZIPArchive(MemoryByteSource(original))
        let after = try ZIPArchive(MemoryByteSource(embedded))
        let manifest = try #require(after.entry(Self.path))
        #expect(manifest.method == 0 && manifest.flags == 0 && manifest.crc32 == Zlib.crc32(Self.store))
        #expect(after.entries.last?.name == Self.path, "written after every other entry")
        #expect(manifest.data == range)
        for entry in before.entries where entry.name != "[Content_Types].xml" {
            let other = try #require(after.entry(entry.name))
            #expect(embedded[other.record] == original[entry.record], "\(entry.name) copied byte for byte")
        }
        #expect(try contents("[Content_Types].xml", of: embedded).contains(#"<Default Extension="c2pa" ContentType="application/c2pa"/>"#))
        #expect(try OOXMLFormat().findManifestStores(in: embedded).map(\.bytes) == [Self.store])
        #expect(throws: SigilError.self) { try OOXMLFormat().embedManifestStore(Self.store, into: embedded) }
    }

    @Test func theContentTypeIsDeclaredOnceAndRemovalKeepsIt() throws {
        let (embedded, _) = try OOXMLFormat().embedManifestStore(Self.store, into: Build.docx())
        let removed = try OOXMLFormat().removeManifestStores(from: embedded)
        #expect(try OOXMLFormat().findManifestStores(in: removed).isEmpty)
        #expect(try ZIPArchive(MemoryByteSource(removed)).entries.count == ZIPArchive(MemoryByteSource(embedded)).entries.count - 1)
        let (again, _) = try OOXMLFormat().embedManifestStore(Array("second".utf8), into: removed)
        let types = try contents("[Content_Types].xml", of: again)
        #expect(types.components(separatedBy: #"Extension="c2pa""#).count == 2, "declared once: \(types)")
        #expect(try OOXMLFormat().findManifestStores(in: again).map(\.bytes) == [Array("second".utf8)])
        #expect(try OOXMLFormat().removeManifestStores(from: removed) == removed, "nothing to remove: unchanged")
    }

    @Test func theCollectionCoversEveryEntryButTheStoreAndSkipsItsCRC() throws {
        let (embedded, _) = try OOXMLFormat().embedManifestStore(Self.store, into: Build.docx([("word/media/", [], false)]))
        let archive = try ZIPArchive(MemoryByteSource(embedded))
        let collection = try OOXMLFormat().manifestCollection(in: embedded)
        #expect(collection.parts.map(\.uri) == ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/media"])
        #expect(collection.parts.map(\.range) == archive.entries.dropLast().map(\.record))
        let crc = try #require(archive.entry(Self.path)).centralOffset + 16
        #expect(Array(embedded[crc..<(crc + 4)]) == ZIPWriter.le(Zlib.crc32(Self.store), 4))
        #expect(collection.directory == [archive.directoryOffset..<crc, (crc + 4)..<embedded.count])
        let plain = try OOXMLFormat().manifestCollection(in: Build.docx())
        #expect(plain.directory == [try ZIPArchive(MemoryByteSource(Build.docx())).directoryOffset..<Build.docx().count])
    }

    @Test func theStoreIsNotEssence() throws {
        let labeled = try OOXMLFormat().writeLabel(OOXMLTests.label, into: Build.docx([("word/media/image1.png", [1, 2, 3], false)]))
        let (embedded, _) = try OOXMLFormat().embedManifestStore(Self.store, into: labeled)
        let essence = { (bytes: [UInt8]) in try OOXMLFormat().essenceRanges(in: MemoryByteSource(bytes)).map { Array(bytes[$0]) } }
        #expect(try essence(embedded) == essence(labeled), "adding the store leaves the essence (and a signed label) unchanged")
    }

    // MARK: Hostile stores

    /// A package whose store entry is written by hand: `deflate` compresses it; `patch` edits the bytes after.
    func hostile(deflate: Bool = false, _ patch: (inout [UInt8], ZIPEntry) -> Void = { _, _ in }) throws -> [UInt8] {
        var bytes = Build.docx([(Self.path, Self.store, deflate)])
        let entry = try #require(try ZIPArchive(MemoryByteSource(bytes)).entry(Self.path))
        patch(&bytes, entry)
        return bytes
    }

    @Test func aCompressedStoreIsRefused() throws {
        let error = try #require(throws: SigilError.self) { try OOXMLFormat().findManifestStores(in: try hostile(deflate: true)) }
        #expect(error.code == .c2pa && error.message.contains("method 8"))
    }

    @Test func aLocalHeaderThatLiesAboutTheSizeIsRefused() throws {
        let bytes = try hostile { bytes, entry in
            bytes.replaceSubrange((entry.localOffset + 18)..<(entry.localOffset + 22), with: ZIPWriter.le(999_999, 4))
        }
        let error = try #require(throws: SigilError.self) { try OOXMLFormat().findManifestStores(in: bytes) }
        #expect(error.code == .malformed && error.message.contains("local header") && error.offset != nil)
    }

    @Test func aCentralRecordThatLiesAboutTheSizeIsRefused() throws {
        // Uncompressed size ≠ compressed size for a stored entry.
        let unequal = try hostile { bytes, entry in
            bytes.replaceSubrange((entry.centralOffset + 24)..<(entry.centralOffset + 28), with: ZIPWriter.le(7, 4))
        }
        let error = try #require(throws: SigilError.self) { try OOXMLFormat().findManifestStores(in: unequal) }
        #expect(error.message.contains("stored but declares"))
        // A size that runs past the central directory.
        let past = try hostile { bytes, entry in
            bytes.replaceSubrange((entry.centralOffset + 20)..<(entry.centralOffset + 28), with: ZIPWriter.le(1 << 30, 4) + ZIPWriter.le(1 << 30, 4))
        }
        #expect(throws: SigilError.self) { try OOXMLFormat().findManifestStores(in: past) }
    }

    @Test func namesACollectionHashCannotCarryAreRefused() throws {
        for name in ["../escape.xml", "/absolute.xml", "word/./document.xml"] {
            let bytes = Build.docx([(name, [1], false)])
            #expect(throws: SigilError.self, "\(name)") { try OOXMLFormat().manifestCollection(in: bytes) }
        }
        let twice = Build.docx([("word/extra.xml", [1], false), ("word/extra.xml", [2], false)])
        let error = try #require(throws: SigilError.self) { try OOXMLFormat().manifestCollection(in: twice) }
        #expect(error.message.contains("earlier entry"))
    }
}
