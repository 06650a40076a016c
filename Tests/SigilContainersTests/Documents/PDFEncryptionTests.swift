import Foundation
import Testing

@testable import SigilContainers

/// PDFs encrypted only to restrict permissions (an empty user password) are read and labeled the way viewers open
/// them; the update is encrypted as the file is, so poppler and qpdf read the label back (decision 0028).
@Suite struct PDFEncryptionTests {
    static let label = ConformanceSample.labelA
    static var qpdf: Bool { DocumentTools.which("qpdf") != nil }
    static var poppler: Bool { DocumentTools.which("pdfinfo") != nil }

    func labels(_ bytes: [UInt8]) throws -> [LabelCarrier] {
        try LabelScanner.scan(bytes).carriers.filter { $0.parsedPayload.hasAnnexEKeys }
    }

    /// `Build.pdf` encrypted by qpdf with an empty user password and `arguments` (key length and options).
    func encrypted(_ arguments: [String], metadata: String? = nil, info: String = "/Title (Kept title)/Author <FEFF00E9>") throws -> [UInt8] {
        try DocumentTools.withFile(Build.pdf(info: info, metadata: metadata), named: "plain.pdf") { path in
            let out = path + "-enc.pdf"
            // qpdf 11 asks for --allow-weak-crypto before it writes RC4.
            let run = try DocumentTools.run("qpdf", ["--allow-weak-crypto", "--encrypt", "", "owner-secret"] + arguments + ["--", path, out])
            #expect(run.status == 0, "\(run.output)")
            return try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        }
    }

    /// RC4 against the key-stream vectors of RFC 6229 (key 0x0102030405, offset 0).
    @Test func rc4MatchesTheRFCVectors() {
        let stream = RC4.apply(key: [1, 2, 3, 4, 5], to: [UInt8](repeating: 0, count: 16))
        #expect(stream == [0xB2, 0x39, 0x63, 0x05, 0xF0, 0x3D, 0xC0, 0x27, 0xCC, 0xC3, 0x52, 0x4A, 0x0A, 0x11, 0x18, 0xA8])
        #expect(RC4.apply(key: [1, 2, 3, 4, 5], to: stream) == [UInt8](repeating: 0, count: 16), "RC4 is its own inverse")
    }

    static let revisions: [(name: String, arguments: [String])] = [
        ("RC4 40-bit (R2)", ["40"]), ("RC4 128-bit (R3)", ["128", "--use-aes=n"]), ("AES-128 (R4)", ["128", "--use-aes=y"]),
        ("AES-256 (R6)", ["256"]), ("AES-256 (R5)", ["256", "--force-R5"]),
    ]

    /// Every revision qpdf writes: the label is written encrypted, the original stays a prefix, qpdf checks the
    /// file, and qpdf's own decryption shows the label and the kept Info entries.
    @Test(.enabled(if: qpdf), arguments: revisions.map(\.name)) func everyRevisionIsLabeled(_ name: String) throws {
        let arguments = try #require(Self.revisions.first { $0.name == name }?.arguments)
        let original = try encrypted(arguments)
        var before = ContainerScan(format: .pdf)
        PDFFormat().scanLabels(original, into: &before)
        #expect(before.findings.contains { $0.code == .encrypted && $0.severity == .info }, "\(name): read as viewers open it")
        let labeled = try PDFFormat().writeLabel(Self.label, into: original)
        #expect(Array(labeled.prefix(original.count)) == original, "\(name)")
        #expect(labeled.firstIndex(of: Array("abc123".utf8)) == nil, "\(name): the label is not written in the clear")
        #expect(try labels(labeled).map { $0.parsedPayload.label?.produceID } == ["abc123"], "\(name)")
        let relabeled = try PDFFormat().writeLabel(ConformanceSample.labelB, into: labeled)
        #expect(try labels(relabeled).map { $0.parsedPayload.label?.produceID } == ["second0042"], "\(name)")
        try DocumentTools.withFile(relabeled, named: "l.pdf") { path in
            let check = try DocumentTools.run("qpdf", ["--check", path])
            #expect(check.status == 0, "\(name): \(check.output)")
            let plain = path + "-plain.pdf"
            let decrypt = try DocumentTools.run("qpdf", ["--decrypt", "--password=", path, plain])
            #expect(decrypt.status == 0, "\(name): \(decrypt.output)")
            // qpdf decrypted the update with its own code: the clear copy carries the label and the old entries.
            let clear = try [UInt8](Data(contentsOf: URL(fileURLWithPath: plain)))
            #expect(try labels(clear).map { $0.parsedPayload.label?.produceID } == ["second0042"], "\(name)")
            let document = try PDFDocument(clear)
            let info = try #require(try document.resolve(document.trailer["Info"]), "\(name)")
            #expect(info["Title"]?.text == "Kept title" && info["Author"]?.text == "é", "\(name)")
        }
    }

    /// poppler, a second independent reader, finds the label in the encrypted update.
    @Test(.enabled(if: qpdf && poppler)) func popplerReadsTheEncryptedLabel() throws {
        for revision in Self.revisions {
            let labeled = try PDFFormat().writeLabel(Self.label, into: try encrypted(revision.arguments))
            let result = try DocumentTools.withFile(labeled, named: "p.pdf") { try DocumentTools.run("pdfinfo", ["-custom", $0]) }
            #expect(result.status == 0 && result.output.contains("abc123"), "\(revision.name): \(result.output)")
        }
    }

    /// The XMP stream is decrypted, edited and encrypted again (and left in the clear with /EncryptMetadata false).
    @Test(.enabled(if: qpdf)) func theXMPStreamIsEncryptedLikeTheFile() throws {
        let packet =
            #"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
        for arguments in [["256"], ["128", "--use-aes=y", "--cleartext-metadata"]] {
            let labeled = try PDFFormat().writeLabel(Self.label, into: try encrypted(arguments, metadata: packet))
            var document = try PDFDocument(labeled)
            try document.unlock()
            let root = try #require(document.trailer["Root"]?.reference)
            let metadata = try #require(try document.object(root.number)?["Metadata"]?.reference)
            let (_, xmp) = try #require(try document.stream(metadata.number))
            #expect(XMPLabelReader.property(namespaceURI: LabelWriter.namespaceURI, name: "AIGC", in: xmp) == Build.sampleJSON, "\(arguments)")
            let clearXMP = labeled.firstIndex(of: Array("TC260".utf8)) != nil
            #expect(clearXMP == arguments.contains("--cleartext-metadata"), "\(arguments): XMP in the clear only with /EncryptMetadata false")
            let check = try DocumentTools.withFile(labeled, named: "x.pdf") { try DocumentTools.run("qpdf", ["--check", $0]) }
            #expect(check.status == 0, "\(arguments): \(check.output)")
        }
    }

    /// A file that needs a user password is refused with a message saying so, and no label is guessed.
    /// /V 4 without a top-level /Length: the key length is the crypt filter's (qpdf writes `/Length 16`, in bytes),
    /// not the 40 bits of /V 1–2 — a wrong length would fail the empty-password check and refuse the file.
    @Test(.enabled(if: qpdf)) func aV4KeyLengthComesFromTheCryptFilter() throws {
        var bytes = try encrypted(["128", "--use-aes=y"])
        let topLevel = Array("/Length 128".utf8)
        let at = try #require(bytes.firstIndex(of: topLevel), "qpdf wrote a top-level /Length")
        bytes.replaceSubrange(at..<(at + topLevel.count), with: [UInt8](repeating: 0x20, count: topLevel.count))
        #expect(bytes.firstIndex(of: Array("/CFM/AESV2".utf8)) != nil || bytes.firstIndex(of: Array("/CFM /AESV2".utf8)) != nil)
        let labeled = try PDFFormat().writeLabel(Self.label, into: bytes)
        #expect(try labels(labeled).map { $0.parsedPayload.label?.produceID } == ["abc123"])
    }

    @Test(.enabled(if: qpdf)) func aUserPasswordIsRefused() throws {
        let locked = try DocumentTools.withFile(Build.pdf(info: "/Title (x)"), named: "u.pdf") { path in
            _ = try DocumentTools.run("qpdf", ["--encrypt", "user-secret", "owner-secret", "256", "--", path, path + "-u.pdf"])
            return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "-u.pdf")))
        }
        #expect { try PDFFormat().writeLabel(Self.label, into: locked) } throws: {
            ($0 as? SigilError)?.code == .unsupportedFormat && ($0 as? SigilError)?.message.contains("user password") == true
        }
        let scan = try LabelScanner.scan(locked)
        #expect(scan.findings.contains { $0.code == .encrypted && $0.severity == .error && $0.message.contains("user password") })
    }

    @Test(.enabled(if: DocumentTools.documentsAvailable)) func theSharedEncryptedPDFs() throws {
        let owner = try DocumentTools.document("pdf_lo74_encrypted_owner_only.pdf")
        #expect(try labels(try PDFFormat().writeLabel(Self.label, into: owner)).map { $0.parsedPayload.label?.produceID } == ["abc123"])
        #expect { try PDFFormat().writeLabel(Self.label, into: try DocumentTools.document("pdf_qpdf_encrypted_user_aes256.pdf")) } throws: {
            ($0 as? SigilError)?.message.contains("user password") == true
        }
    }

    /// Damaged encryption data gets an error naming it, never a crash: a cut AES string, a /U too short.
    @Test(.enabled(if: qpdf)) func damagedEncryptionIsAnError() throws {
        let original = try encrypted(["256"])
        var document = try PDFDocument(original)
        try document.unlock()
        let security = try #require(document.security)
        #expect(throws: SigilError.self) { try security.decrypt([1, 2, 3], object: 4, generation: 0, stream: false, offset: 9) }
        #expect(throws: SigilError.self) {
            try security.decrypt([UInt8](repeating: 7, count: 48), object: 4, generation: 0, stream: false, offset: 9)
        }
        let at = try #require(original.firstIndex(of: Array("/U <".utf8)) ?? original.firstIndex(of: Array("/U<".utf8)))
        var cut = original
        cut.replaceSubrange(at..<(at + 2), with: Array("/X".utf8))
        #expect(throws: SigilError.self) { try PDFFormat().writeLabel(Self.label, into: cut) }
    }
}
