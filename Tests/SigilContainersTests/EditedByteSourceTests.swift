import SigilContainers
import SigilCore
import Testing

/// ``EditedByteSource`` reads what a plan would write, and resolves a second plan over it into pieces of the base.
@Suite struct EditedByteSourceTests {
    static let base: [UInt8] = (0..<200).map { UInt8($0) }

    static var firstPlan: EditPlan {
        var plan = EditPlan(sourceLength: base.count)
        plan.insert([0xAA, 0xAB, 0xAC], at: 0)
        plan.replace(10..<20, with: [0xB0])
        plan.remove(50..<60)
        plan.insert([0xC0, 0xC1], at: 200)
        return plan
    }

    @Test func everyRangeReadsAsTheAppliedPlan() throws {
        let plan = Self.firstPlan
        let applied = plan.apply(to: Self.base)
        let source = EditedByteSource(MemoryByteSource(Self.base), plan: plan)
        #expect(source.count == applied.count)
        for lower in stride(from: 0, through: applied.count, by: 7) {
            for length in [0, 1, 2, 5, 13, 64, 400] {
                let range = lower..<(lower + length)
                let expected = Array(applied[min(lower, applied.count)..<min(lower + length, applied.count)])
                #expect(try source.read(range) == expected, "\(range)")
            }
        }
    }

    @Test func aSecondPlanResolvesIntoPiecesOfTheBase() throws {
        let first = Self.firstPlan
        let source = EditedByteSource(MemoryByteSource(Self.base), plan: first)
        var second = EditPlan(sourceLength: source.count)
        second.replace(1..<4, with: [0xD0, 0xD1]) // across the first plan's insertion
        second.insert([0xE0], at: 100)
        second.remove(source.count - 3..<source.count) // the first plan's tail insertion and one original byte
        let expected = second.apply(to: first.apply(to: Self.base))
        var written: [UInt8] = []
        for piece in source.pieces(of: second) {
            switch piece {
            case .bytes(let bytes): written += bytes
            case .original(let range):
                #expect(range.lowerBound >= 0 && range.upperBound <= Self.base.count, "\(range) lies in the base file")
                written += Self.base[range]
            }
        }
        #expect(written == expected)
    }

    @Test func anEmptyPlanReadsTheBaseUnchanged() throws {
        let source = EditedByteSource(MemoryByteSource(Self.base), plan: EditPlan(sourceLength: Self.base.count))
        #expect(try source.read(0..<Self.base.count) == Self.base)
        #expect(source.pieces(in: 5..<9) == [.original(5..<9)])
    }
}
