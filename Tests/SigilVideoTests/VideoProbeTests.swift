import Foundation
import Testing

@testable import SigilVideo

/// ffprobe's JSON comes from the file: a `rotate` tag Double reads as NaN, infinity or 1e300 is no rotation (it
/// trapped converting to Int); real quarter turns still read.
@Suite struct VideoProbeTests {
    @Test(arguments: ["nan", "inf", "-inf", "1e300", "-1e300"])
    func aNonFiniteRotateTagIsNoRotation(tag: String) {
        let stream = VideoProbe.Stream(json: ["index": 0, "codec_type": "video", "tags": ["rotate": tag]])
        #expect(stream.rotation == 0)
    }

    @Test func quarterTurnsAreRead() {
        #expect(VideoProbe.Stream(json: ["tags": ["rotate": "90"]]).rotation == 90)
        #expect(VideoProbe.Stream(json: ["tags": ["rotate": "-90"]]).rotation == 270)
        #expect(VideoProbe.Stream(json: ["side_data_list": [["rotation": NSNumber(value: 180)]]]).rotation == 180)
    }
}
