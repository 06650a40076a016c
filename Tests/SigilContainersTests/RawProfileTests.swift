import Foundation
import Testing
@testable import SigilContainers

@Suite struct RawProfileTests {
    static func hexProfile(_ name: String, _ bytes: [UInt8]) -> String {
        let hexDigits = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        var lines: [String] = []
        var rest = Substring(hexDigits)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(72)))
            rest = rest.dropFirst(72)
        }
        return "\n\(name)\n" + String(repeating: " ", count: max(0, 8 - String(bytes.count).count)) + "\(bytes.count)\n"
            + lines.joined(separator: "\n") + "\n"
    }

    @Test func imageMagickRawProfiles() throws {
        let tiff = Build.tiff(bigEndian: false, ifd0: [], exif: [Build.undefined(0x9286, Array("ASCII\0\0\0\(Build.sampleWrapped)".utf8))])
        let png = Build.png([
            Build.zTXt("Raw profile type exif", Self.hexProfile("exif", Array("Exif\0\0".utf8) + tiff)),
            Build.zTXt("Raw profile type xmp", Self.hexProfile("xmp", Build.elementXMP())),
        ])
        let scan = try LabelScanner.scan(png)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        #expect(scan.carriers.map(\.kind) == [.exifUserComment, .xmpElement])
        #expect(scan.carriers.allSatisfy { !$0.standard && $0.parsedPayload.label?.json == Build.sampleJSON })
    }

    @Test func badProfilesAreIgnored() {
        #expect(RawProfile.decode(Array("\nexif\n 4\n0102".utf8)) == nil)
        #expect(RawProfile.decode(Array("\nexif\n 2\n01zz".utf8)) == nil)
        #expect(RawProfile.decode(Array("\nexif\n 2\n0102".utf8)) == [1, 2])
    }
}
