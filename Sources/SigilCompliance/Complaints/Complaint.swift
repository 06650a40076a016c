import Foundation
import SigilStore

/// A complaint, report or appeal from the public channel (DSP Art. 12), with its place in the workflow.
public struct Complaint: Sendable, Hashable {
    /// What the person is doing.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// About the service or its content.
        case complaint
        /// Reporting illegal or harmful content, or a rumour.
        case report
        /// A user appealing a decision against their account or content.
        case appeal
    }

    /// The workflow: received → reviewing → resolved or rejected.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case received
        case reviewing
        case resolved
        case rejected

        /// Where a complaint may go from here.
        public var next: Set<Status> {
            switch self {
            case .received: [.reviewing]
            case .reviewing: [.resolved, .rejected]
            case .resolved, .rejected: []
            }
        }

        public var isClosed: Bool { self == .resolved || self == .rejected }
    }

    public var id: String
    public var kind: Kind
    public var category: String
    public var description: String
    /// The ProduceID the complaint concerns, when the person gave one.
    public var produceID: String?
    public var contentURL: String?
    public var status: Status
    /// The answer sent back (required to close).
    public var response: String?
    public var createdAt: RecordTime
    /// The published deadline for a response.
    public var dueAt: RecordTime
    public var updatedAt: RecordTime
    public var closedAt: RecordTime?

    /// Open past its deadline, or closed after it.
    public func isOverdue(at time: RecordTime) -> Bool {
        if let closedAt { return closedAt > dueAt }
        return time > dueAt
    }

    /// The public view: `{id, status, dueAt}` plus kind, dates and the response once closed. No contact data.
    public func json(now: RecordTime = .now(), staff: Bool = false) -> JSONValue {
        var members: [JSONValue.Member] = [
            .init("id", .string(id)), .init("status", .string(status.rawValue)), .init("dueAt", .string(dueAt.description)),
            .init("kind", .string(kind.rawValue)), .init("category", .string(category)), .init("createdAt", .string(createdAt.description)),
            .init("overdue", .bool(isOverdue(at: now))),
        ]
        if let closedAt { members.append(.init("closedAt", .string(closedAt.description))) }
        if let response { members.append(.init("response", .string(response))) }
        if staff {
            members.append(.init("description", .string(description)))
            if let produceID { members.append(.init("produceID", .string(produceID))) }
            if let contentURL { members.append(.init("contentUrl", .string(contentURL))) }
        }
        return .object(members)
    }
}

/// A rumour refutation (DSP Art. 11): a public statement that content made with the service is false, linked to
/// the generation records concerned.
public struct Refutation: Sendable, Hashable {
    public var id: String
    public var title: String
    public var statement: String
    /// The records concerned, by ProduceID (each checked to be in the log).
    public var produceIDs: [String]
    public var complaint: String?
    /// The authorities it was reported to.
    public var reportedTo: String?
    public var createdAt: RecordTime

    public var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("id", .string(id)), .init("title", .string(title)), .init("statement", .string(statement)),
            .init("produceIDs", .array(produceIDs.map(JSONValue.string))), .init("createdAt", .string(createdAt.description)),
        ]
        if let complaint { members.append(.init("complaint", .string(complaint))) }
        if let reportedTo { members.append(.init("reportedTo", .string(reportedTo))) }
        return .object(members)
    }
}
