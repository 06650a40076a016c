import Foundation
import Sigil

/// The served `openapi.json`: the committed document with every file-upload request body's media types taken from
/// the registry, so a format added to ``MediaRegistry`` appears in the API description without editing it.
enum OpenAPIDocument {
    /// The document for `registry`: operations whose body accepts `application/octet-stream` list every format
    /// the registry reads (`/v1/verify…`) or writes labels into (the others).
    static func bytes(registry: MediaRegistry) throws -> [UInt8] {
        let raw = try Resources.bytes("openapi.json")
        guard var document = try JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any],
            var paths = document["paths"] as? [String: Any]
        else { return raw }
        let readable = registry.formats
        let writable = registry.formats(with: (any LabelWriting).self)
        for (path, item) in paths {
            guard var operations = item as? [String: Any] else { continue }
            for (method, operation) in operations {
                guard var operation = operation as? [String: Any], var body = operation["requestBody"] as? [String: Any],
                    var content = body["content"] as? [String: Any], content["application/octet-stream"] != nil
                else { continue }
                for key in content.keys where key != "application/octet-stream" && key != "multipart/form-data" { content[key] = nil }
                for format in path.hasPrefix("/v1/verify") ? readable : writable {
                    for type in format.mimeTypes {
                        content[type] = ["schema": ["type": "string", "contentMediaType": type]]
                    }
                }
                body["content"] = content
                operation["requestBody"] = body
                operations[method] = operation
            }
            paths[path] = operations
        }
        document["paths"] = paths
        return Array(try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
    }
}
