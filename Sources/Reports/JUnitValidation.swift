// In-process validation of a JUnit file against an XSD with libxml2's schema API, so tests
// (ours and the runner's) can check reports without shelling out to xmllint.
import CLibXML2
import Foundation

public enum JUnitValidation {
    /// Validates `file` against the XSD at `schema`. Returns the problems found (empty when
    /// valid), each as `line N: message`. Throws when the schema itself cannot be loaded.
    public static func validate(file: String, schema: String) throws -> [String] {
        try Schema(path: schema).validate(file: file)
    }

    /// A parsed XSD, for validating many documents (the JUnit fuzz target validates one per input).
    /// Immutable once parsed; each validation makes its own context.
    public final class Schema: @unchecked Sendable {
        private let schema: xmlSchemaPtr

        public init(path: String) throws {
            let collector = ErrorCollector()
            guard let parserContext = xmlSchemaNewParserCtxt(path) else { throw ReportError("cannot open schema \(path)") }
            defer { xmlSchemaFreeParserCtxt(parserContext) }
            xmlSchemaSetParserStructuredErrors(parserContext, ErrorCollector.handler, collector.context)
            let parsed = withExtendedLifetime(collector) { xmlSchemaParse(parserContext) }
            guard let parsed else {
                throw ReportError("cannot parse schema \(path): \(collector.messages.joined(separator: "; "))")
            }
            schema = parsed
        }

        deinit { xmlSchemaFree(schema) }

        /// The problems of the document in `file` (empty when valid).
        public func validate(file: String) throws -> [String] {
            try validate(read: { xmlReadFile(file, nil, Int32(XML_PARSE_NONET.rawValue)) }, name: file)
        }

        /// The problems of the document `bytes` (empty when valid).
        public func validate(bytes: [UInt8]) throws -> [String] {
            try bytes.withUnsafeBufferPointer { buffer in
                try validate(read: {
                    buffer.baseAddress.flatMap { base in
                        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                            xmlReadMemory($0, Int32(clamping: buffer.count), "report.xml", nil, Int32(XML_PARSE_NONET.rawValue))
                        }
                    }
                }, name: "the document")
            }
        }

        private func validate(read: () -> xmlDocPtr?, name: String) throws -> [String] {
            let collector = ErrorCollector()
            // Parse errors of the document go to the thread's structured handler; restore it after.
            xmlSetStructuredErrorFunc(collector.context, ErrorCollector.handler)
            defer { xmlSetStructuredErrorFunc(nil, nil) }
            guard let document = withExtendedLifetime(collector, read) else {
                return collector.messages.isEmpty ? ["cannot read \(name)"] : collector.messages
            }
            defer { xmlFreeDoc(document) }
            guard let validContext = xmlSchemaNewValidCtxt(schema) else {
                throw ReportError("libxml2: cannot create a validation context")
            }
            defer { xmlSchemaFreeValidCtxt(validContext) }
            xmlSchemaSetValidStructuredErrors(validContext, ErrorCollector.handler, collector.context)
            let rc = withExtendedLifetime(collector) { xmlSchemaValidateDoc(validContext, document) }
            if rc != 0 && collector.messages.isEmpty { collector.messages.append("invalid (libxml2 status \(rc))") }
            return collector.messages
        }
    }
}

/// Collects libxml2's structured errors as `line N: message`.
private final class ErrorCollector {
    var messages: [String] = []
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let handler: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
        let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        collector.messages.append("line \(error.pointee.line): " + message.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
