import Foundation
import Mustache
import Sigil
import SigilContainers

/// The public verify page: one Mustache template, rendered with a plain-words model of a ``VerificationReport`` and
/// its ``RecordCheck``, in Chinese and English.
struct VerifyPage: Sendable {
    let template: MustacheTemplate
    /// The published complaint deadline, shown beside the form.
    let responseDays: Int
    /// poppler's `pdftoppm`, which draws a PDF's first page; nil when poppler is not installed (the page says so).
    let pdftoppm: String?

    /// What the page shows of a PDF's first page.
    enum Picture: Sendable, Hashable {
        /// The page as a PNG.
        case png([UInt8])
        /// poppler is not installed.
        case missingTool
        /// The page could not be drawn (a damaged PDF, one that needs a password, a busy server), and why.
        case failed(String)
    }

    init(responseDays: Int, pdftoppm: String?) throws {
        template = try MustacheTemplate(string: try Resources.text("index.mustache"))
        self.responseDays = responseDays
        self.pdftoppm = pdftoppm
    }

    func render(result: [String: Any]? = nil, error: String? = nil, receipt: [String: Any]? = nil, reportError: String? = nil) -> String {
        var model: [String: Any] = ["responseDays": responseDays, "accept": MediaRegistry.standard.mimeTypes.joined(separator: ",")]
        if let result { model["result"] = result }
        if let error { model["error"] = ["message": error] }
        if let receipt { model["receipt"] = receipt }
        if let reportError { model["reportError"] = ["message": reportError] }
        return template.render(model)
    }

    /// The template's model of a report; `picture` is a PDF's first page (nil for other content); `upload` the file's
    /// bytes, which an audio report plays from (nil: no player).
    static func model(
        report: VerificationReport, check: RecordCheck, filename: String?, picture: Picture? = nil, upload: [UInt8]? = nil
    ) -> [String: Any] {
        let verdictClass =
            switch report.verdict {
            case .aiGenerated: "ai"
            case .possiblyAIGenerated: "possibly"
            case .suspectedAIGenerated: "suspected"
            case .noLabel: "none"
            }
        let labels: [[String: Any]] = report.sites.map { site in
            [
                "location": site.carrier.location,
                "fields": site.payload.fields.map { ["key": $0.key, "value": $0.value ?? "—"] },
                "findings": site.findings.map { ["severity": $0.severity.rawValue, "message": $0.message] },
            ]
        }
        var explicit = "没有记录 · none recorded"
        if let e = report.explicit {
            let state =
                switch e.intact {
                case true?: "完好 · intact"
                case false?: "已被改动 · altered or removed"
                case nil: "未检查 · not checked"
                }
            explicit = "「\(e.record.painted.text)」 \(e.record.painted.position.rawValue) — \(state)"
        } else if let o = report.opening {
            let span = String(format: "%.2f–%.2f s", o.record.start, o.record.end)
            explicit =
                "「\(o.record.painted.text)」 片头 \(span) · opening \(span) — "
                + (o.conforms ? "符合 GB 45438 5.4 · meets GB 45438 5.4" : "不符合 GB 45438 5.4 · does NOT meet GB 45438 5.4")
        }
        var watermark = "未检测到 · not detected"
        if let w = report.watermark, w.detection.detected {
            watermark = "检测到 · detected" + (w.detection.payload.map { ", payload \(String($0, radix: 16))" } ?? "")
            if let matches = w.matchesProduceID {
                watermark += matches ? "; 与 ProduceID 一致 · matches the ProduceID" : "; 与 ProduceID 不一致 · does not match the ProduceID"
            }
        }
        if let a = report.audioWatermark {
            watermark =
                a.detection.detected
                ? "音频水印检测到 · audio mark detected" + (a.detection.payloadHex.map { ", payload \($0)" } ?? "")
                    + (a.matchesProduceID.map { $0 ? "; 与 ProduceID 一致 · matches the ProduceID" : "; 与 ProduceID 不一致 · does not match the ProduceID" }
                        ?? "")
                : String(format: "音频水印未检测到 · audio mark not detected (%.1f s examined)", a.detection.secondsExamined)
        }
        var c2pa = "无 · none"
        if let r = report.c2pa, r.manifestCount > 0 {
            let state =
                switch r.state {
                case .valid: "有效 · valid"
                case .validUntrustedSigner: "签名有效，签名者不在信任列表 · valid, signer not in the trust list"
                default: "无效 · INVALID (" + r.failureCodes.joined(separator: ", ") + ")"
                }
            c2pa =
                state + (r.signer?.commonName.map { " — \($0)" } ?? "")
                + (r.digitalSourceType.map { " — \($0.split(separator: "/").last.map(String.init) ?? $0)" } ?? "")
        }
        var integrity = "无 · none"
        if let i = report.integrity, i.state != .absent {
            integrity = "\(i.state.rawValue)" + (i.algorithm.map { " (\($0))" } ?? "") + (i.reason.isEmpty ? "" : " — \(i.reason)")
        }
        var record = "本日志中没有 · not in this log"
        if let (index, r) = check.record {
            record = "#\(index), \(r.serviceCategory.rawValue), \(r.time)"
            if let same = check.sha256Matches { record += same ? " — 同一文件 · same bytes" : " — 文件已被改动 · bytes differ" }
        } else if let lookupError = check.lookupError {
            record += " (\(lookupError))"
        }
        let proof: String =
            switch check.proofStatus {
            case .valid: "有效 · valid — entry \(check.proofIndex ?? 0) in the checkpoint of \(check.checkpoint?.size ?? 0)"
            case .invalid(let reason): "无效 · INVALID — \(reason)"
            case .unverifiable(let reason): "无法检查 · not checked — \(reason)"
            case .absent: "无 · none"
            }
        var model: [String: Any] = [
            "verdict": report.verdict.rawValue, "verdictClass": verdictClass,
            "summaryZh": report.verdict.summary.zh, "summaryEn": report.verdict.summary.en,
            "conformance": report.conformance.rawValue, "format": report.format?.displayName ?? "?",
            "filename": filename ?? "upload",
            "labels": labels,
            "findings": report.findings.map { ["severity": $0.severity.rawValue, "message": $0.message] },
            "explicit": explicit, "watermark": watermark, "c2pa": c2pa, "integrity": integrity,
            "record": record, "proof": proof,
        ]
        if let picture { model.merge(pictureModel(picture, filename: filename ?? "upload")) { $1 } }
        if let text = report.explicitText { model["textCheck"] = textModel(text) }
        if let overview = report.audioOverview {
            model["audio"] = audioModel(overview, rhythm: report.rhythm ?? [], upload: upload, mimeType: report.format?.mimeType ?? "audio/wav")
        }
        if report.format?.kind == .video {
            model["video"] = videoModel(report.opening, decoded: report.decoded, upload: upload, mimeType: report.format?.mimeType ?? "video/mp4")
        }
        if model["picture"] != nil || model["textCheck"] != nil || model["audio"] != nil || model["video"] != nil { model["checked"] = true }
        return model
    }

    /// `picture` (an inline PNG and its description) or `pictureMissing` (why there is none).
    static func pictureModel(_ picture: Picture, filename: String) -> [String: Any] {
        switch picture {
        case .png(let png):
            return [
                "picture": [
                    "src": "data:image/png;base64," + Data(png).base64EncodedString(),
                    "alt": "上传的 PDF「\(filename)」的第 1 页 · Page 1 of the uploaded PDF \(filename)",
                ]
            ]
        case .missingTool:
            return [
                "pictureMissing": [
                    "zh": "首页预览需要 poppler（Debian 软件包 poppler-utils），本服务器未安装。",
                    "en":
                        "The first-page preview needs poppler (Debian package poppler-utils), which this server does not have.",
                ]
            ]
        case .failed(let reason):
            return ["pictureMissing": ["zh": "无法绘制首页。", "en": "The first page could not be drawn: \(reason)"]]
        }
    }

    /// The largest upload the page plays back (it is sent back inside the page as a `data:` URL).
    static let largestPlayback = 16 << 20
    /// The waveform's drawing size, in SVG units.
    static let waveformSize = (width: 600.0, height: 80.0)

    /// An audio report as the page shows it: a player for the upload (when it is small enough to send back inside
    /// the page), the waveform as SVG bars, and each rhythm label heard as a marked region with what it decodes as.
    static func audioModel(_ overview: AudioOverview, rhythm: [RhythmDetector.Detection], upload: [UInt8]?, mimeType: String) -> [String: Any] {
        let (width, height) = waveformSize
        let step = width / Double(max(1, overview.peaks.count))
        let bars: [[String: Any]] = overview.peaks.enumerated().map { index, peak in
            let h = max(1, Double(peak) * (height - 4))
            return ["x": fixed(Double(index) * step), "y": fixed((height - h) / 2), "w": fixed(max(0.5, step * 0.8)), "h": fixed(h)]
        }
        let regions: [[String: Any]] = rhythm.map { detection in
            let x = overview.seconds > 0 ? min(width, detection.start / overview.seconds * width) : 0
            let w = overview.seconds > 0 ? max(3, (detection.end - detection.start) / overview.seconds * width) : 3
            let time = String(format: "%.2f–%.2f s", detection.start, detection.end)
            return [
                "x": fixed(x), "w": fixed(min(w, width - x)), "ok": detection.isMorseAI, "time": time, "pattern": detection.pattern,
                "letters": detection.letters, "start": fixed(detection.start), "end": fixed(detection.end),
            ]
        }
        var model: [String: Any] = [
            "width": fixed(width), "height": fixed(height), "bars": bars, "regions": regions, "seconds": fixed(overview.seconds),
            "duration": String(format: "%.1f s", overview.seconds), "heard": !rhythm.isEmpty,
        ]
        model.merge(playerModel(upload, mimeType: mimeType)) { $1 }
        return model
    }

    /// `player` (the upload as a `data:` URL) or `playerMissing` (why the page does not play it back).
    static func playerModel(_ upload: [UInt8]?, mimeType: String) -> [String: Any] {
        guard let upload else { return [:] }
        guard upload.count <= largestPlayback else {
            return [
                "playerMissing": [
                    "zh": "文件超过 \(largestPlayback >> 20) MiB，页面内不提供播放。",
                    "en": "The file is over \(largestPlayback >> 20) MiB, so the page does not play it back.",
                ]
            ]
        }
        return ["player": ["src": "data:\(mimeType);base64," + Data(upload).base64EncodedString()]]
    }

    /// A video report as the page shows it: a player for the upload (when small enough to send back inside the page)
    /// and the opening seconds as a timeline — the recorded label's time span marked, and each decoded frame as a tick
    /// that says whether the label showed in it (GB 45438 5.4: from frame 0, at least 2 s).
    static func videoModel(_ check: OpeningLabelCheck?, decoded: Bool, upload: [UInt8]?, mimeType: String) -> [String: Any] {
        var model = playerModel(upload, mimeType: mimeType)
        guard let check else {
            model["unchecked"] =
                decoded
                ? ["zh": "没有 Sigil 片头标识的记录，片头画面未检查。", "en": "No record of a Sigil opening label, so the opening frames were not checked."]
                : ["zh": "仅检查元数据，画面未解码。", "en": "Metadata only: the frames were not decoded."]
            return model
        }
        let (width, height) = (waveformSize.width, 40.0)
        let span = check.record
        // The record's times come with the upload: the timeline covers what the check decoded, ``longestChecked`` at most.
        let last = check.frames.last?.time ?? 0
        let window = min(max(span.end.isFinite ? span.end : 0, last, OpeningLabeler.minimumDuration), OpeningLabelCheck.longestChecked) * 1.2
        func x(_ t: Double) -> Double { min(width, max(0, t / window * width)) }
        let frames: [[String: Any]] = check.frames.map { frame in
            [
                "x": fixed(x(frame.time)), "time": fixed(frame.time), "presence": fixed(frame.presence),
                "shown": frame.presence >= OpeningLabelCheck.presentThreshold,
            ]
        }
        let ticks: [[String: Any]] = stride(from: 0.0, through: window, by: window > 8 ? 2 : 1).map { t in
            ["x": fixed(x(t)), "label": String(format: "%.0f s", t)]
        }
        model["timeline"] = [
            "width": fixed(width), "height": fixed(height), "window": fixed(window),
            "spanX": fixed(x(span.start)), "spanW": fixed(max(2, x(span.end) - x(span.start))),
            "start": fixed(span.start), "end": fixed(span.end), "frames": frames, "ticks": ticks,
            "text": span.painted.text, "shownFor": String(format: "%.2f", check.shownFor),
            "spanText": String(format: "%.2f–%.2f s", span.start, span.end),
            "inkPercent": String(format: "%.1f", check.inkHeightFraction * 100),
            "conforms": check.conforms,
        ]
        return model
    }

    /// A coordinate with at most two decimals, for SVG attributes.
    static func fixed(_ value: Double) -> String { String(format: "%.2f", value) }

    /// The explicit text label check (GB 45438 5.1): what text was read, an excerpt of it with the labels marked,
    /// each label's place, or why there is none.
    static func textModel(_ check: ExplicitTextCheck) -> [String: Any] {
        let source: (zh: String, en: String) =
            switch check.source {
            case "word/document.xml": ("Word 文档正文", "the document body (word/document.xml)")
            case "pdftotext": ("PDF 中的文字（poppler 的 pdftotext 提取）", "the PDF's text (extracted by poppler's pdftotext)")
            default: ("文件中的文字", "the file's text")
            }
        var model: [String: Any] = ["sourceZh": source.zh, "sourceEn": source.en]
        guard let report = check.report else {
            let needsPoppler = check.source == "pdftotext" && (check.skipped ?? "").contains("not installed")
            model["skipped"] = [
                "zh": needsPoppler ? "文字预览需要 poppler（Debian 软件包 poppler-utils），本服务器未安装；文字标识未检查。" : "文字未能读取，文字标识未检查。",
                "en": needsPoppler
                    ? "The text preview needs poppler (Debian package poppler-utils), which this server does not have; the text label was not checked."
                    : "The text could not be read, so the text label was not checked: \(check.skipped ?? "no text")",
            ]
            return model
        }
        model["present"] = report.isPresent
        model["found"] = report.matches.map { match -> [String: Any] in
            let place: (zh: String, en: String) =
                switch match.placement {
                case .start: ("开头", "at the start")
                case .end: ("结尾", "at the end")
                case .middle: ("中间", "in the middle")
                case .whole: ("全文", "the whole text")
                }
            return ["text": match.text, "placeZh": place.zh, "placeEn": place.en, "line": match.line, "normalized": match.normalized]
        }
        model["count"] = report.matchCount
        if report.matchCount > report.matches.count { model["more"] = report.matchCount - report.matches.count }
        if let reason = report.reason { model["reason"] = reason }
        if let text = check.text, let body = check.body {
            let excerpt = TextExcerpt(text: text, body: body, labels: report.matches.map(\.range))
            model["excerpt"] = [
                "html": report.markup == .html,
                "parts": excerpt.parts.map { part -> [String: Any] in
                    switch part {
                    case .text(let run): ["text": run, "mark": false, "gap": false, "invisible": false]
                    case .label(let run): ["text": run, "mark": true, "gap": false, "invisible": false]
                    case .gap(let omitted): ["text": "", "mark": false, "gap": true, "invisible": false, "omitted": omitted]
                    case .invisible(let hidden): ["text": "", "mark": false, "gap": false, "invisible": true, "omitted": hidden]
                    }
                },
            ]
        }
        return model
    }
}
