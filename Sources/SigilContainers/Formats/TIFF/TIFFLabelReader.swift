/// Finds label carriers in a TIFF file: IFD0 XMP (0x02BC), UserComment and ImageDescription.
enum TIFFLabelReader {
    static func scan(_ bytes: [UInt8], into scan: inout ContainerScan) {
        EXIFReader.read(bytes, base: 0, site: "TIFF", isTIFFFile: true, collectCarriers: true, into: &scan)
    }
}
