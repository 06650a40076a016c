/// Writes the GB 45438-2025 file-metadata label into the standard site of any format with a ``LabelWriting``
/// handler (JPEG, PNG, WebP, WAV, …), changing nothing else.
///
/// ```swift
/// let label = try AIGCLabel.firstWrite(producer: code, produceID: ProduceID.generate())
/// let labelled = try LabelWriter.write(json: label.json, wrappedJSON: label.wrappedJSON, extra: [], into: bytes)
/// ```
public enum LabelWriter {
    /// TC260 namespace URI (PG-20259A).
    public static let namespaceURI = "http://www.tc260.org.cn/ns/AIGC/1.0/"
    /// The namespace prefix PG-20259A uses.
    public static let prefix = "TC260"

    /// Writes the Annex E JSON (bare, `json`) into the standard site of a JPEG (APP1 XMP), PNG (iTXt
    /// `XML:com.adobe.xmp`, uncompressed, before IDAT) or WebP (`XMP ` chunk; a simple VP8/VP8L file becomes
    /// VP8X with the XMP flag, canvas size from the bitstream, RIFF size fixed) file.
    ///
    /// One label per file (GB 6.1 c):
    /// - an XMP packet that already has an AIGC property (element or attribute, any prefix) gets its value replaced
    ///   in place; a packet without one gets `xmlns:TC260` and a `<TC260:AIGC>` element in its first
    ///   `rdf:Description`; only a file without a packet gets a new one;
    /// - a PNG that already has a `tEXt`/`zTXt`/`iTXt` chunk with keyword `AIGC` gets that chunk's payload rewritten
    ///   (same chunk type and form: a wrapped payload stays wrapped, using `wrappedJSON`), no XMP label is added,
    ///   an AIGC property already in its XMP is updated too, and further AIGC text chunks are dropped so one
    ///   label remains.
    ///
    /// `extra` properties are set the same way (updated in place or added) in the same packet. Every other byte
    /// is kept: other segments and chunks are untouched and in order, and compressed image data stays
    /// byte-identical.
    ///
    /// - Throws: ``SigilError`` `.capacity` when a JPEG XMP segment would exceed 65533 bytes; `.unsupportedFormat`
    ///   for TIFF, GIF and unknown bytes; `.truncated`/`.malformed` for a damaged container (a JPEG whose
    ///   compressed data runs to the end of the file without EOI included) or an XMP packet that cannot be edited.
    public static func write(json: String, wrappedJSON: String, extra: [XMPProperty], into bytes: [UInt8]) throws -> [UInt8] {
        try write(LabelAssignment(json: json, wrappedJSON: wrappedJSON, extra: extra), into: bytes)
    }

    /// Writes `label` into `bytes` with the handler `registry` finds for them.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for unknown bytes or a format Sigil only reads.
    public static func write(_ label: LabelAssignment, into bytes: [UInt8], registry: MediaRegistry = .standard) throws -> [UInt8] {
        guard let identified = registry.identify(bytes) else { throw registry.unrecognised(bytes) }
        guard let writer = identified.handler as? any LabelWriting else { throw registry.notLabelable(identified.format) }
        return try writer.writeLabel(label, into: bytes)
    }

    /// A JPEG's labeled header, computed from the file's leading bytes alone: what a writer needs to label a file
    /// on disk without reading its compressed image data, which it then copies unchanged after ``JPEGHeader/bytes``.
    public struct JPEGHeader: Sendable {
        /// The new header: every byte before the first SOS, with the label written as ``write(json:wrappedJSON:extra:into:)`` would.
        public var bytes: [UInt8]
        /// Where the compressed image data (the first SOS and everything after it) starts in the original file.
        public var imageDataOffset: Int
    }

    /// The labeled header of a JPEG from its leading bytes (see ``JPEGHeader``). The caller checks that the file
    /// is complete (it ends with EOI) before relying on it.
    ///
    /// - Parameters:
    ///   - leadingBytes: the first bytes of the file; `isWholeFile` says whether they are all of it.
    /// - Returns: nil when `leadingBytes` ends before the first SOS of a longer file: read more and ask again.
    /// - Throws: as ``write(json:wrappedJSON:extra:into:)`` for a damaged header.
    public static func jpegHeader(json: String, extra: [XMPProperty], leadingBytes: [UInt8], isWholeFile: Bool) throws -> JPEGHeader? {
        guard JPEGFormat().identify(leadingBytes) == .jpeg else {
            throw SigilError(.unsupportedFormat, "not a JPEG file: it does not start with SOI (FF D8)", offset: 0)
        }
        guard let plan = try JPEGLabelWriter.headerEdits(assignments(json: json, extra: extra), in: leadingBytes, isWholeFile: isWholeFile) else {
            return nil
        }
        return JPEGHeader(bytes: splice(Array(leadingBytes[..<plan.imageData]), plan.edits), imageDataOffset: plan.imageData)
    }

    static func assignments(_ label: LabelAssignment) -> [XMPEditor.Assignment] {
        assignments(json: label.json, extra: label.extra)
    }

    static func assignments(json: String, extra: [XMPProperty]) -> [XMPEditor.Assignment] {
        var assignments = [
            XMPEditor.Assignment(namespaceURI: namespaceURI, preferredPrefix: prefix, name: "AIGC", value: json, matchAnyNamespace: true)
        ]
        for property in extra {
            assignments.append(
                XMPEditor.Assignment(
                    namespaceURI: property.namespaceURI, preferredPrefix: property.prefix, name: property.name, value: property.value,
                    matchAnyNamespace: false))
        }
        return assignments
    }

    /// Reads back the extra property values Sigil wrote (for verify): the value of `namespaceURI`/`name` in the
    /// first XMP packet, if any.
    public static func readProperty(namespaceURI: String, name: String, in bytes: [UInt8], registry: MediaRegistry = .standard) -> String? {
        guard let locator = registry.identify(bytes)?.handler as? any XMPPacketLocating, let packet = locator.firstXMPPacket(in: bytes) else {
            return nil
        }
        return XMPLabelReader.property(namespaceURI: namespaceURI, name: name, in: packet)
    }

    /// Replaces `ranges` of `bytes` (non-overlapping) with new bytes.
    static func splice(_ bytes: [UInt8], _ edits: [(range: Range<Int>, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + edits.reduce(0) { $0 + $1.bytes.count })
        var cursor = 0
        for edit in edits.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            guard edit.range.lowerBound >= cursor else { continue }
            out += bytes[cursor..<edit.range.lowerBound]
            out += edit.bytes
            cursor = edit.range.upperBound
        }
        out += bytes[cursor...]
        return out
    }
}

/// The first XMP packet of a file, through its format's ``XMPPacketLocating`` handler.
enum XMPLocator {
    static func firstPacket(in bytes: [UInt8], registry: MediaRegistry = .standard) -> [UInt8]? {
        (registry.identify(bytes)?.handler as? any XMPPacketLocating)?.firstXMPPacket(in: bytes)
    }
}
