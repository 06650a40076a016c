import Foundation

extension LabelOutcome {
    /// The outcome as `sigil label --json` and `POST /v1/label` report it.
    ///
    /// - Parameters:
    ///   - input: the input's name (a path, or the uploaded file's name); nil leaves it out.
    ///   - output: where the labeled file went; nil leaves it out.
    public func json(input: String?, output: String?) -> JSONValue {
        var members: [JSONValue.Member] = []
        if let input { members.append(.init("input", .string(input))) }
        if let output { members.append(.init("output", .string(output))) }
        members += [
            .init("format", .string(format.id)),
            .init("width", .int(width)), .init("height", .int(height)),
            .init("marks", .array(Mark.allCases.filter(marks.contains).map { .string($0.rawValue) })),
            .init("label", marks.contains(.implicit) ? (try? JSONValue.parse(label.json)) ?? .null : .null),
            .init("produceID", .string(label.produceID)),
            .init("notices", .array(notices.map { .string($0) })),
        ]
        if let p = explicit {
            members.append(
                .init(
                    "explicit",
                    .object([
                        "text": .string(p.text), "position": .string(p.position.rawValue),
                        "box": .object(["x": .int(p.box.x), "y": .int(p.box.y), "width": .int(p.box.width), "height": .int(p.box.height)]),
                        "inkHeight": .int(p.inkHeight), "inkHeightFraction": .double(p.inkHeightFraction),
                        "contrastRatio": .double(p.contrastRatio, digits: 2),
                    ])))
        } else if let o = opening {
            members.append(.init("explicit", o.json))
        } else {
            members.append(.init("explicit", .null))
        }
        if let r = rhythm {
            members.append(
                .init(
                    "rhythm",
                    .object([
                        "pattern": .string(r.voiceCharactersPerMinute == nil ? "AI" : "voice"),
                        "charactersPerMinute": r.voiceCharactersPerMinute.map { .double($0, digits: 1) } ?? .null,
                        "frames": .array(r.frames.map { .int($0) }), "labelFrames": .int(r.labelFrames),
                        "labelLUFS": .double(r.labelLUFS, digits: 1), "contentLUFS": r.contentLUFS.map { .double($0, digits: 1) } ?? .null,
                        "contentMeasuredSeconds": .double(r.contentMeasuredSeconds, digits: 1),
                        "reencoded": audioReencoding.map { .string($0) } ?? .null,
                    ])))
        }
        if let report = textLabel {
            var text: [JSONValue.Member] = [.init("position", .optional(textLabelPosition?.rawValue))]
            if case .object(let reported) = report.json { text += reported }
            members.append(.init("explicitText", .object(text)))
        }
        if let v = videoMark {
            members.append(
                .init(
                    "videoWatermark",
                    .object([
                        "frames": .int(v.frames), "width": .int(v.width), "height": .int(v.height), "encoding": .string(v.encoding),
                    ])))
        }
        members.append(.init("c2pa", .optional(c2paManifest)))
        return .object(members)
    }
}

extension LabelOutcome {
    /// The 64-bit watermark payload embedded in this file, big-endian, as records keep it; nil when the watermark
    /// mark was not applied.
    public func watermarkPayload(key: WatermarkKey?) -> [UInt8]? {
        guard marks.contains(.watermark), let key else { return nil }
        let value = key.payload(forProduceID: label.produceID)
        return (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
}

extension OpeningLabelOutcome {
    /// The video opening label as `sigil label --json` reports it: region (display coordinates), text, time span,
    /// and whether the head or the whole video was re-encoded.
    var json: JSONValue {
        let r = record
        let p = r.painted
        return .object([
            "kind": "video-opening",
            "text": .string(p.text), "position": .string(p.position.rawValue),
            "box": .object(["x": .int(p.box.x), "y": .int(p.box.y), "width": .int(p.box.width), "height": .int(p.box.height)]),
            "inkHeight": .int(p.inkHeight), "inkHeightFraction": .double(p.inkHeightFraction),
            "start": .double(r.start, digits: 3), "end": .double(r.end, digits: 3), "duration": .double(r.duration, digits: 3),
            "frames": .int(r.frames), "rotation": .int(r.rotation),
            "reencoded": .string(r.reencode.rawValue), "spliceAt": r.spliceAt.map { .double($0, digits: 3) } ?? .null,
            "wholeReason": .optional(wholeReason),
        ])
    }
}
