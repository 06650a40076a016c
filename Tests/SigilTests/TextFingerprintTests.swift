import Foundation
import Sigil
import SigilTestSupport
import Testing

/// The `text-simhash64` fingerprint of generation records (decision 0605): light edits stay within
/// ``TextFingerprint/matchDistance``, unrelated text does not, and a record is found by it when the label is gone.
@Suite struct TextFingerprintTests {
    static let english = """
        The harbour town woke slowly under a low grey sky. Fishing boats rocked against the pier while gulls argued over \
        the remains of last night's catch. Down the hill, the baker pulled the first loaves from the oven and set them on \
        the cooling racks by the open window, where the smell drifted across the square to the old church. By seven the \
        market stalls were up: crates of apples, bundles of leeks, wheels of hard cheese wrapped in cloth. A boy on a red \
        bicycle delivered newspapers to every third door, whistling a tune nobody else remembered. The ferry from the \
        island was late again, and the passengers waiting on the quay stamped their feet against the cold.
        """
    static let chinese = """
        清晨的港口小镇在低沉的灰色天空下慢慢醒来。渔船靠着码头轻轻摇晃，海鸥为昨夜剩下的渔获争吵不休。山坡下，面包师从烤炉里取出第一批面包，\
        放在敞开的窗边晾凉，香气飘过广场，一直飘到古老的教堂。七点钟，集市的摊位都已摆好：一箱箱苹果，一捆捆大葱，用布包着的硬奶酪。\
        一个骑红色自行车的男孩挨家挨户送报纸，吹着一支没人记得的曲子。从岛上来的渡轮又晚点了，码头上等候的乘客跺着脚取暖。
        """
    static let unrelated = """
        Quarterly revenue rose eleven percent on strong demand for cloud storage, while operating costs fell as the company \
        closed two data centres. The board approved a dividend and a share buyback, and management raised its guidance for \
        the full year, citing new contracts with government agencies and a recovery in hardware sales across Europe and Asia.
        """

    static func hash(_ text: String) throws -> UInt64 { try #require(TextFingerprint.hash(of: text)) }

    @Test func aFewChangedWordsStayClose() throws {
        let edited = Self.english.replacingOccurrences(of: "grey", with: "gray").replacingOccurrences(of: "red bicycle", with: "blue bicycle")
            .replacingOccurrences(of: "late again", with: "delayed again")
        let distance = TextFingerprint.distance(try Self.hash(Self.english), try Self.hash(edited))
        #expect(distance <= TextFingerprint.matchDistance, "\(distance) bits")
        let editedChinese = Self.chinese.replacingOccurrences(of: "灰色", with: "铅灰").replacingOccurrences(of: "红色", with: "蓝色")
        let chineseDistance = TextFingerprint.distance(try Self.hash(Self.chinese), try Self.hash(editedChinese))
        #expect(chineseDistance <= TextFingerprint.matchDistance, "\(chineseDistance) bits")
    }

    @Test func formattingCaseAndWidthDoNotCount() throws {
        let reflowed = Self.english.uppercased().replacingOccurrences(of: ". ", with: ".\n\n").replacingOccurrences(of: ",", with: " ;")
        #expect(try Self.hash(reflowed) == (try Self.hash(Self.english)))
        let fullWidth = Self.chinese.replacingOccurrences(of: "七点钟", with: "７点钟")
        #expect(try Self.hash(fullWidth) == (try Self.hash(Self.chinese.replacingOccurrences(of: "七点钟", with: "7点钟"))))
    }

    @Test func unrelatedTextIsFarAway() throws {
        let distance = TextFingerprint.distance(try Self.hash(Self.english), try Self.hash(Self.unrelated))
        #expect(distance > 2 * TextFingerprint.matchDistance, "\(distance) bits")
        let across = TextFingerprint.distance(try Self.hash(Self.english), try Self.hash(Self.chinese))
        #expect(across > 2 * TextFingerprint.matchDistance, "\(across) bits")
        #expect(TextFingerprint.hash(of: "Too short to tell.") == nil)
    }

    @Test func theLabelAndTheC2PAWrapperAreLeftOut() throws {
        var policy = try TestSupport.policy([.explicit, .implicit, .c2pa], produceID: "fingerprint-0001")
        policy.textLabel = TextLabelInserter(position: .both)
        let outcome = try Labeler(policy: policy).label(Array(Self.chinese.utf8), fileExtension: "txt")
        #expect(outcome.marks.contains(.c2pa))
        let labeled = try #require(TextFingerprint.hash(of: outcome.bytes, format: .plainText))
        #expect(labeled == (try Self.hash(Self.chinese)))
        // As GB18030, with the label line removed, the text is the same text.
        let gb18030 = try TextEncoding.gb18030.encode(Self.chinese)
        #expect(TextFingerprint.hash(of: gb18030, format: .plainText) == labeled)
    }

    /// A labeled text is recorded with its fingerprint; the copy a reader keeps (label line deleted, a few words
    /// changed, the wrapper stripped: no ProduceID left) finds the record, unrelated text finds none.
    @Test func theRecordIsFoundAfterLightEdits() async throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keeper = try await RecordKeeper.open(RecordKeeper.Location(data: dir.path))
        let policy = try TestSupport.policy([.explicit, .implicit, .c2pa], produceID: "fingerprint-0002")
        let outcome = try Labeler(policy: policy).label(Array(Self.english.utf8), fileExtension: "txt")
        let record = try keeper.record(for: outcome, context: .init())
        #expect(record.fingerprint?.type == ContentFingerprint.textSimHash64)
        let receipts = try await keeper.keep([record])

        var copy = String(decoding: try ManifestCarrier.remove(from: outcome.bytes, format: .plainText), as: UTF8.self)
        copy = copy.replacingOccurrences(of: "本内容由人工智能生成\n\n", with: "").replacingOccurrences(of: "grey", with: "gray")
            .replacingOccurrences(of: "hard cheese", with: "soft cheese")
        let found = await RecordCheck.check(
            bytes: Array(copy.utf8), produceID: nil, proof: nil, keeper: keeper, verifiers: [], keystore: nil, fileExtension: "txt")
        #expect(found.foundByTextFingerprint)
        #expect(found.record?.index == receipts.first?.index)
        #expect(found.sha256Matches == false)
        #expect((found.textDistance ?? 99) <= TextFingerprint.matchDistance)
        #expect(found.proofStatus == .valid, "\(found.proofStatus)")
        #expect(found.lines.first?.contains("found by its text fingerprint") == true)

        let none = await RecordCheck.check(
            bytes: Array(Self.unrelated.utf8), produceID: nil, proof: nil, keeper: keeper, verifiers: [], keystore: nil, fileExtension: "txt")
        #expect(none.record == nil)
        #expect(none.lookupError == nil)
        try await keeper.close()
    }
}
