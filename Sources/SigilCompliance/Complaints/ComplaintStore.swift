import Foundation
import SQLKit
import SigilStore

/// Complaints and their workflow events, and rumour refutations.
public struct ComplaintStore: Sendable {
    let store: ComplianceDatabase
    let vault: PersonalDataVault
    /// How long the provider publishes it takes to answer.
    public let responseDays: Int

    public init(database: any LogDatabase, vault: PersonalDataVault, responseDays: Int) {
        store = ComplianceDatabase(database: database)
        self.vault = vault
        self.responseDays = responseDays
    }

    /// Accepts a complaint from the public channel; its deadline is `responseDays` from now.
    ///
    /// - Throws: ``FieldError`` naming a bad field (`kind`, `category`, `description`, `contact`, `produceID`,
    ///   `contentUrl`).
    public func submit(
        kind: String?, category: String?, description: String?, contact: String?, produceID: String?,
        contentURL: String?, now: RecordTime = .now()
    ) async throws -> Complaint {
        let kind =
            try kind.map { text in
                guard let kind = Complaint.Kind(rawValue: text) else { throw FieldError("kind", "must be complaint, report or appeal") }
                return kind
            } ?? .report
        let category = try TextField.check(category, field: "category", limit: 64, required: false) ?? "other"
        let description = try TextField.require(description, field: "description", limit: 5000)
        let contact = try TextField.check(contact, field: "contact", limit: 200, required: false)
        let produceID = try TextField.check(produceID, field: "produceID", limit: 256, required: false)
        if let produceID {
            do { try ProduceID.validate(produceID) } catch let error as SigilError { throw FieldError("produceID", error.message) }
        }
        let contentURL = try TextField.check(contentURL, field: "contentUrl", limit: 2000, required: false)
        if let contentURL, URL(string: contentURL)?.scheme.map({ ["http", "https"].contains($0.lowercased()) }) != true {
            throw FieldError("contentUrl", "must be an http or https URL")
        }
        let id = Identifier.make("rep")
        let due = RecordTime(milliseconds: now.milliseconds + Int64(responseDays) * 86_400_000)
        let complaint = Complaint(
            id: id, kind: kind, category: category, description: description, produceID: produceID, contentURL: contentURL,
            status: .received, response: nil, createdAt: now, dueAt: due, updatedAt: now, closedAt: nil)
        let sealedContact = try contact.map { try vault.seal($0, context: SealedField.complaintContact.context(id)) }
        let dialect = store.dialect
        try await store.write("file a complaint") { db in
            try await db.insert(into: "complaints")
                .columns(
                    "id", "kind", "category", "description", "contact_sealed", "produce_id", "content_url", "status", "response",
                    "created_at", "due_at", "updated_at", "closed_at"
                )
                .values(
                    SQLBind(id), SQLBind(kind.rawValue), SQLBind(category), SQLBind(description), SQLBind(sealedContact.map { Data($0) }),
                    SQLBind(produceID), SQLBind(contentURL), SQLBind(Complaint.Status.received.rawValue), SQLLiteral.null,
                    SQLBind(now.milliseconds), SQLBind(due.milliseconds), SQLBind(now.milliseconds), SQLLiteral.null
                )
                .run()
            try await db.insert(into: "complaint_events").columns("complaint_id", "time", "actor", "from_status", "to_status", "note")
                .values(SQLBind(id), SQLBind(now.milliseconds), SQLBind("public"), SQLBind(""), SQLBind("received"), SQLLiteral.null).run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: "public", action: "complaint.submit", subject: id,
                detail: ["kind": kind.rawValue, "category": category, "dueAt": due.description], time: now)
        }
        return complaint
    }

    public func get(_ id: String) async throws -> Complaint? {
        try await store.read("read a complaint") { db in
            try await db.raw("SELECT * FROM complaints WHERE id = \(bind: id)").first().map(Self.complaint(from:))
        }
    }

    /// Complaints, oldest deadline first; `open` keeps only received and reviewing ones.
    public func list(openOnly: Bool = false, limit: Int = 200) async throws -> [Complaint] {
        try await store.read("list complaints") { db in
            if openOnly {
                return try await db.raw(
                    "SELECT * FROM complaints WHERE status IN ('received', 'reviewing') ORDER BY due_at LIMIT \(bind: Int64(limit))"
                ).all().map(Self.complaint(from:))
            }
            return try await db.raw("SELECT * FROM complaints ORDER BY due_at LIMIT \(bind: Int64(limit))").all().map(Self.complaint(from:))
        }
    }

    /// Moves a complaint along the workflow; closing it (resolved or rejected) needs the `response` sent back.
    ///
    /// - Throws: ``SigilError`` `.notFound`; `.conflict` for a move the workflow does not allow; ``FieldError`` on
    ///   `response` when closing without one.
    public func transition(
        _ id: String, to target: Complaint.Status, response: String?, note: String?, actor: String,
        now: RecordTime = .now()
    ) async throws -> Complaint {
        let response = try TextField.check(response, field: "response", limit: 5000, required: false)
        let note = try TextField.check(note, field: "note", limit: 2000, required: false)
        if target.isClosed, response == nil { throw FieldError("response", "closing a complaint needs the response sent to the person") }
        let dialect = store.dialect
        return try await store.write("move a complaint") { db in
            guard
                let row = try await db.raw("SELECT * FROM complaints WHERE id = \(bind: id)\(unsafeRaw: dialect == .postgres ? " FOR UPDATE" : "")")
                    .first()
            else {
                throw SigilError(.notFound, "no complaint \(id.prefix(40))")
            }
            var complaint = try Self.complaint(from: row)
            guard complaint.status.next.contains(target) else {
                throw SigilError(
                    .conflict,
                    "complaint \(id) is \(complaint.status.rawValue); it can go to \(complaint.status.next.map(\.rawValue).sorted().joined(separator: " or ").nilIfEmpty ?? "nowhere (closed)"), not \(target.rawValue)"
                )
            }
            let closed: Int64? = target.isClosed ? now.milliseconds : nil
            try await db.raw(
                """
                UPDATE complaints SET status = \(bind: target.rawValue), response = \(bind: response ?? complaint.response), updated_at = \(bind: now.milliseconds),
                closed_at = \(bind: closed) WHERE id = \(bind: id)
                """
            ).run()
            try await db.insert(into: "complaint_events").columns("complaint_id", "time", "actor", "from_status", "to_status", "note")
                .values(
                    SQLBind(id), SQLBind(now.milliseconds), SQLBind(actor), SQLBind(complaint.status.rawValue), SQLBind(target.rawValue),
                    SQLBind(note ?? response)
                )
                .run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "complaint.\(target.rawValue)", subject: id,
                detail: ["from": complaint.status.rawValue, "to": target.rawValue, "overdue": String(complaint.isOverdue(at: now))], time: now)
            complaint.status = target
            complaint.response = response ?? complaint.response
            complaint.updatedAt = now
            complaint.closedAt = closed.map(RecordTime.init(milliseconds:))
            return complaint
        }
    }

    /// The workflow events of a complaint, oldest first.
    public func events(_ id: String) async throws -> [JSONValue] {
        try await store.read("read complaint events") { db in
            try await db.raw("SELECT * FROM complaint_events WHERE complaint_id = \(bind: id) ORDER BY time").all().map { row in
                .object([
                    .init("time", .string(RecordTime(milliseconds: try row.decode(column: "time", as: Int64.self)).description)),
                    .init("actor", .string(try row.decode(column: "actor", as: String.self))),
                    .init("from", .string(try row.decode(column: "from_status", as: String.self))),
                    .init("to", .string(try row.decode(column: "to_status", as: String.self))),
                    .init("note", try row.decode(column: "note", as: String?.self).map(JSONValue.string) ?? .null),
                ])
            }
        }
    }

    /// Records a rumour refutation linked to records that exist in the log (`known` checks each ProduceID).
    ///
    /// - Throws: ``FieldError`` naming the bad field, or a ProduceID that is not in the log.
    public func refute(
        title: String?, statement: String?, produceIDs: [String]?, complaint: String?, reportedTo: String?, actor: String,
        known: @Sendable (String) async throws -> Bool, now: RecordTime = .now()
    ) async throws -> Refutation {
        let title = try TextField.require(title, field: "title", limit: 200)
        let statement = try TextField.require(statement, field: "statement", limit: 10000)
        guard let produceIDs, !produceIDs.isEmpty, produceIDs.count <= 1000 else {
            throw FieldError("produceIDs", "list the ProduceIDs of the records the refutation concerns (1 to 1000)")
        }
        for produceID in produceIDs {
            do { try ProduceID.validate(produceID) } catch let error as SigilError { throw FieldError("produceIDs", error.message) }
            guard try await known(produceID) else { throw FieldError("produceIDs", "no record for ProduceID \(produceID) in the log") }
        }
        if let complaint, try await get(complaint) == nil { throw FieldError("complaint", "no complaint \(complaint.prefix(40))") }
        let reportedTo = try TextField.check(reportedTo, field: "reportedTo", limit: 500, required: false)
        let refutation = Refutation(
            id: Identifier.make("ref"), title: title, statement: statement, produceIDs: produceIDs, complaint: complaint,
            reportedTo: reportedTo, createdAt: now)
        let ids = String(decoding: try JSONEncoder.sorted.encode(produceIDs), as: UTF8.self)
        let dialect = store.dialect
        try await store.write("record a refutation") { db in
            try await db.insert(into: "refutations").columns(
                "id", "title", "statement", "produce_ids", "complaint_id", "reported_to", "created_by", "created_at"
            )
            .values(
                SQLBind(refutation.id), SQLBind(title), SQLBind(statement), SQLBind(ids), SQLBind(complaint), SQLBind(reportedTo),
                SQLBind(actor), SQLBind(now.milliseconds)
            )
            .run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "refutation.create", subject: refutation.id,
                detail: ["records": String(produceIDs.count), "reportedTo": reportedTo ?? ""], time: now)
        }
        return refutation
    }

    /// Refutations, newest first.
    public func refutations(limit: Int = 100) async throws -> [Refutation] {
        try await store.read("list refutations") { db in
            try await db.raw("SELECT * FROM refutations ORDER BY created_at DESC LIMIT \(bind: Int64(limit))").all().map { row in
                Refutation(
                    id: try row.decode(column: "id", as: String.self), title: try row.decode(column: "title", as: String.self),
                    statement: try row.decode(column: "statement", as: String.self),
                    produceIDs: (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "produce_ids", as: String.self).utf8)))
                        ?? [],
                    complaint: try row.decode(column: "complaint_id", as: String?.self),
                    reportedTo: try row.decode(column: "reported_to", as: String?.self),
                    createdAt: RecordTime(milliseconds: try row.decode(column: "created_at", as: Int64.self)))
            }
        }
    }

    /// How many refutations were recorded in `[from, to)`.
    public func refutationCount(from: RecordTime, to: RecordTime) async throws -> Int {
        try await store.read("count refutations") { db in
            Int(
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM refutations WHERE created_at >= \(bind: from.milliseconds) AND created_at < \(bind: to.milliseconds)"
                )
                .first()?.decode(column: "n", as: Int64.self) ?? 0)
        }
    }

    /// Complaints received in `[from, to)`: counts by kind and status, how many closed late or are overdue, and
    /// the median and longest hours to close.
    public func statistics(from: RecordTime, to: RecordTime) async throws -> JSONValue {
        let rows: [Complaint] = try await store.read("count complaints") { db in
            try await db.raw("SELECT * FROM complaints WHERE created_at >= \(bind: from.milliseconds) AND created_at < \(bind: to.milliseconds)")
                .all().map(Self.complaint(from:))
        }
        var byKind: [String: Int] = [:]
        var byStatus: [String: Int] = [:]
        var overdue = 0
        var hours: [Double] = []
        for complaint in rows {
            byKind[complaint.kind.rawValue, default: 0] += 1
            byStatus[complaint.status.rawValue, default: 0] += 1
            if complaint.isOverdue(at: to) { overdue += 1 }
            if let closed = complaint.closedAt { hours.append(Double(closed.milliseconds - complaint.createdAt.milliseconds) / 3_600_000) }
        }
        hours.sort()
        func counts(_ map: [String: Int]) -> JSONValue { .object(map.sorted { $0.key < $1.key }.map { .init($0.key, .int($0.value)) }) }
        func hoursValue(_ value: Double?) -> JSONValue { value.map { .number(String(format: "%.2f", $0)) } ?? .null }
        return .object([
            .init("received", .int(rows.count)), .init("byKind", counts(byKind)), .init("byStatus", counts(byStatus)),
            .init("overdue", .int(overdue)), .init("responseDays", .int(responseDays)),
            .init("medianHoursToClose", hoursValue(hours.isEmpty ? nil : hours[hours.count / 2])), .init("maxHoursToClose", hoursValue(hours.last)),
        ])
    }

    static func complaint(from row: any SQLRow) throws -> Complaint {
        Complaint(
            id: try row.decode(column: "id", as: String.self),
            kind: Complaint.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .report,
            category: try row.decode(column: "category", as: String.self), description: try row.decode(column: "description", as: String.self),
            produceID: try row.decode(column: "produce_id", as: String?.self), contentURL: try row.decode(column: "content_url", as: String?.self),
            status: Complaint.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .received,
            response: try row.decode(column: "response", as: String?.self),
            createdAt: RecordTime(milliseconds: try row.decode(column: "created_at", as: Int64.self)),
            dueAt: RecordTime(milliseconds: try row.decode(column: "due_at", as: Int64.self)),
            updatedAt: RecordTime(milliseconds: try row.decode(column: "updated_at", as: Int64.self)),
            closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(RecordTime.init(milliseconds:)))
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
