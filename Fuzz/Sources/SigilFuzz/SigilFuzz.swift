// libFuzzer harness for the container readers and writers. Built only with SIGIL_FUZZ=1.
//
// Pass the sanitizer flags on the command line too, so that the library modules (not just this harness) are
// instrumented and libFuzzer gets coverage feedback from the parsers:
//
//   SIGIL_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product SigilFuzz -Xswiftc -sanitize=fuzzer,address
//   SWIFT_BACKTRACE=enable=no .build-fuzz/release/SigilFuzz .build-fuzz/corpus Fuzz/corpus \
//       -max_total_time=60 -rss_limit_mb=4096 -artifact_prefix=Fuzz/crashes/
//
// Any crash, trap or sanitizer report is a bug: every parser must turn hostile input into SigilError or
// findings. Crashing inputs go into Tests/SigilContainersTests/Resources/FuzzRegressions/.
import SigilContainers
import SigilProvenance

private let label = #"{"Label":"1","ContentProducer":"001191000000000000000K10000","ProduceID":"fuzz","ReservedCode1":"","ContentPropagator":"001191000000000000000K10000","PropagateID":"fuzz","ReservedCode2":""}"#
private let extra = [XMPProperty(namespaceURI: "https://sigil.invalid/ns/1.0/", prefix: "sigil", name: "Job", value: "fuzz & <job>")]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = ImageHeader.sniff(bytes)
    _ = try? ImageHeader.read(bytes)
    if let scan = try? LabelScanner.scan(bytes) {
        for carrier in scan.carriers { _ = carrier.parsedPayload }
    }
    _ = try? CompressedImageData.bytes(of: bytes)
    // Provenance parsers: CBOR, JUMBF, COSE, and the C2PA reader over every carrier (APP11, caBX, RIFF, ID3, BMFF).
    _ = try? CBOR.decode(bytes)
    _ = try? JUMBFSuperbox.parse(bytes)
    _ = try? COSESign1.parse(bytes)
    _ = try? ManifestStore(bytes: bytes)
    _ = C2PAValidator().validate(bytes)
    _ = LabelWriter.readProperty(namespaceURI: LabelWriter.namespaceURI, name: "AIGC", in: bytes)
    if let written = try? LabelWriter.write(json: label, wrappedJSON: "{\"AIGC\":\(label)}", extra: extra, into: bytes) {
        // Whatever the writer accepts, the reader must find the label in afterwards.
        guard let scan = try? LabelScanner.scan(written),
            scan.carriers.contains(where: { $0.parsedPayload.value(of: .produceID) == "fuzz" })
        else {
            fatalError("LabelWriter output does not read back (\(size) input bytes)")
        }
        _ = try? ImageHeader.read(written)
        if let format = ImageHeader.sniff(bytes) {
            _ = try? MetadataTransplant.transplant(from: written, into: bytes, format: format)
        }
    }
    return 0
}

/// The program's entry point. SwiftPM links executables with `--defsym main=SigilFuzz_main` (so that tests
/// can link them), which `-parse-as-library` leaves undefined; this hands control to libFuzzer's driver.
@_cdecl("SigilFuzz_main")
public func sigilFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        guard let data else { return 0 }
        return fuzz(data, size)
    }
}
