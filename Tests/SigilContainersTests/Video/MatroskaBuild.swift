import Foundation
@testable import SigilContainers

extension Build {
    /// The frames of the Matroska builder's Clusters (one SimpleBlock each).
    static let matroskaFrames: [[UInt8]] = (0..<3).map { frame in (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ frame) } }

    /// A `Tags` element of one `Tag` (empty `Targets`) with `simpleTags` (name, value).
    static func matroskaTags(_ simpleTags: [(String, String)]) -> [UInt8] {
        let simple = simpleTags.flatMap {
            EBML.element(EBML.ID.simpleTag, EBML.element(EBML.ID.tagName, Array($0.0.utf8)) + EBML.element(EBML.ID.tagString, Array($0.1.utf8)))
        }
        return EBML.element(EBML.ID.tags, EBML.element(EBML.ID.tag, EBML.element(EBML.ID.targets, []) + simple))
    }

    /// A Matroska file: EBML header, and a Segment of a SeekHead (Info, Tracks, Tags, Cues), a `Void` of `void`
    /// bytes, Info, Tracks, `Tags` of `tags` (when any), three Clusters (a `Position` in each with
    /// `clusterPosition`), Cues pointing at them, and `Tags` of `tagsAfter` after the Cues (as mkvpropedit appends
    /// them). `unknownSize` gives the Segment and the Clusters unknown sizes.
    static func matroska(
        docType: String = "matroska", tags: [(String, String)] = [], void: Int? = nil, tagsAfter: [(String, String)] = [],
        unknownSize: Bool = false, clusterPosition: Bool = false
    ) -> [UInt8] {
        let header = EBML.element(EBML.ID.header, EBML.element(0x4286, [1]) + EBML.element(EBML.ID.docType, Array(docType.utf8)))
        let info = EBML.element(
            EBML.ID.info, EBML.element(0x2A_D7B1, EBML.uint(1_000_000)) + EBML.element(0x4489, [0x40, 0x8F, 0x40, 0, 0, 0, 0, 0]))
        let track = EBML.element(0xD7, [1]) + EBML.element(0x73C5, [1]) + EBML.element(0x83, [1]) + EBML.element(0x86, Array("V_UNCOMPRESSED".utf8))
        let tracks = EBML.element(EBML.ID.tracks, EBML.element(0xAE, track))
        let clusters: [[UInt8]] = matroskaFrames.enumerated().map { index, frame in
            let body =
                (clusterPosition ? EBML.element(EBML.ID.clusterPosition, EBML.uint(0, minimumWidth: 4)) : [])
                + EBML.element(0xE7, [UInt8(index * 10)]) + EBML.element(0xA3, [0x81, 0, 0, 0x80] + frame)
            return unknownSize
                ? EBML.encodeID(EBML.ID.cluster) + [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + body : EBML.element(EBML.ID.cluster, body)
        }
        let tagsElement = tags.isEmpty ? [] : matroskaTags(tags)
        func seekHead(_ entries: [(UInt32, Int)]) -> [UInt8] {
            EBML.element(
                EBML.ID.seekHead,
                entries.flatMap { id, position in
                    EBML.element(
                        EBML.ID.seek,
                        EBML.element(EBML.ID.seekID, EBML.encodeID(id))
                            + EBML.element(EBML.ID.seekPosition, EBML.uint(UInt64(position), minimumWidth: 4)))
                })
        }
        let indexed: [UInt32] = [EBML.ID.info, EBML.ID.tracks] + (tags.isEmpty ? [] : [EBML.ID.tags]) + [EBML.ID.cues]
        let seekLength = seekHead(indexed.map { ($0, 0) }).count
        let voidElement = void.map { EBML.void($0) } ?? []
        var at = seekLength + voidElement.count
        var positions: [UInt32: Int] = [EBML.ID.info: at]
        at += info.count
        positions[EBML.ID.tracks] = at
        at += tracks.count
        positions[EBML.ID.tags] = at
        at += tagsElement.count
        var clusterPositions: [Int] = []
        for cluster in clusters {
            clusterPositions.append(at)
            at += cluster.count
        }
        positions[EBML.ID.cues] = at
        let cues = EBML.element(
            EBML.ID.cues,
            clusterPositions.enumerated().flatMap { index, position in
                EBML.element(
                    EBML.ID.cuePoint,
                    EBML.element(0xB3, [UInt8(index * 10)])
                        + EBML.element(
                            EBML.ID.cueTrackPositions,
                            EBML.element(0xF7, [1]) + EBML.element(EBML.ID.cueClusterPosition, EBML.uint(UInt64(position), minimumWidth: 2))))
            })
        let after = tagsAfter.isEmpty ? [] : matroskaTags(tagsAfter)
        let body = seekHead(indexed.map { ($0, positions[$0]!) }) + voidElement + info + tracks + tagsElement + clusters.flatMap { $0 } + cues + after
        let segment =
            unknownSize
            ? EBML.encodeID(EBML.ID.segment) + [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + body
            : EBML.element(EBML.ID.segment, body, sizeWidth: 8)
        return header + segment
    }

    /// Whether every SeekHead entry and Cues cluster position of `bytes` points at an element of the right ID.
    static func matroskaIndexesHold(_ bytes: [UInt8]) throws -> Bool {
        let source = MemoryByteSource(bytes)
        let layout = try MatroskaLayout(source)
        let starts = Dictionary(layout.children.map { ($0.offset - layout.segment.dataStart, $0.id) }, uniquingKeysWith: { a, _ in a })
        for element in layout.children where element.id == EBML.ID.seekHead || element.id == EBML.ID.cues {
            let data = Array(bytes[element.data])
            let masters = element.id == EBML.ID.cues ? MatroskaLabelWriter.cueMasters : MatroskaLabelWriter.seekMasters
            for node in try EBMLNode.parse(data, 0..<data.count, base: element.dataStart, masters: masters) {
                if element.id == EBML.ID.seekHead {
                    guard let id = node.child(EBML.ID.seekID).flatMap({ EBML.uint($0.data) }),
                        let position = node.child(EBML.ID.seekPosition).flatMap({ EBML.uint($0.data) }),
                        starts[Int(position)] == UInt32(id)
                    else { return false }
                } else {
                    for positions in node.children ?? [] where positions.id == EBML.ID.cueTrackPositions {
                        guard let position = positions.child(EBML.ID.cueClusterPosition).flatMap({ EBML.uint($0.data) }),
                            starts[Int(position)] == EBML.ID.cluster
                        else { return false }
                    }
                }
            }
        }
        return true
    }

    /// The Clusters' bytes in order.
    static func matroskaClusters(_ bytes: [UInt8]) throws -> [[UInt8]] {
        try MatroskaLayout(MemoryByteSource(bytes)).elements(EBML.ID.cluster).map { Array(bytes[$0.range]) }
    }
}

extension Build {
    /// An FLV tag.
    static func flvTag(_ type: UInt8, _ data: [UInt8], timestamp: Int = 0) -> [UInt8] {
        var tag = FLVStructure.tag(type: type, data: data)
        tag.replaceSubrange(4..<7, with: UInt32(timestamp).bigEndianBytes(3))
        return tag
    }

    /// An FLV file: an `onMetaData` script tag of `metadata` (none when nil; a keyframe index of the video tags'
    /// offsets with `keyframes`), then three video and three audio tags.
    static func flv(metadata: [(String, AMF0)]? = [("duration", .number(Double(1).bitPattern))], keyframes: Bool = false) -> [UInt8] {
        let head = Array("FLV".utf8) + [1, 5, 0, 0, 0, 9, 0, 0, 0, 0]
        let media: [(UInt8, [UInt8])] = (0..<3).flatMap { i in
            [(UInt8(9), [0x17, 1] + matroskaFrames[i]), (UInt8(8), [0xAF, 1] + Array(matroskaFrames[i].prefix(12)))]
        }
        func script(_ positions: [Int]) -> [UInt8] {
            guard let metadata else { return [] }
            var entries = metadata.map { AMF0.Entry(key: Array($0.0.utf8), value: $0.1) }
            if keyframes {
                let index = AMF0.object([
                    AMF0.Entry(key: Array("filepositions".utf8), value: .strictArray(positions.map { .number(Double($0).bitPattern) })),
                    AMF0.Entry(key: Array("times".utf8), value: .strictArray(positions.indices.map { .number(Double($0).bitPattern) })),
                ])
                entries.append(AMF0.Entry(key: Array("keyframes".utf8), value: index))
            }
            return flvTag(18, AMF0.text("onMetaData").bytes + AMF0.ecmaArray(count: UInt32(entries.count), entries).bytes)
        }
        let placeholder = script(Array(repeating: 0, count: 3))
        var at = head.count + placeholder.count
        var positions: [Int] = []
        var body: [UInt8] = []
        for (index, (type, data)) in media.enumerated() {
            if type == 9 { positions.append(at) }
            let tag = flvTag(type, data, timestamp: index * 20)
            body += tag
            at += tag.count
        }
        return head + script(positions) + body
    }
}
