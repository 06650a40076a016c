/// The compressed image payload of a file, for proving that a metadata-only change kept it byte-identical.
public enum CompressedImageData {
    /// The compressed image payload: JPEG every segment except SOI, APPn and COM (DQT, DHT, DRI, SOF, SOS with its
    /// entropy-coded data, EOI) concatenated; PNG the concatenated IDAT data; WebP the VP8/VP8L/ALPH/ANIM/ANMF
    /// chunks (headers included) concatenated.
    ///
    /// Other formats give their essence the same way (WAV: the `data` chunk's payload).
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for formats without an ``EssenceLocating`` handler (TIFF, GIF)
    ///   and unknown bytes; `.malformed`/`.truncated` when the container has no essence.
    public static func bytes(of file: [UInt8], registry: MediaRegistry = .standard) throws -> [UInt8] {
        guard let identified = registry.identify(file) else { throw registry.unrecognised(file) }
        guard let locator = identified.handler as? any EssenceLocating else {
            throw SigilError(.unsupportedFormat, "Sigil does not single out the essence of \(identified.format.displayName) files")
        }
        var out: [UInt8] = []
        for range in try locator.essenceRanges(in: MemoryByteSource(file)) { out += file[range] }
        return out
    }
}
