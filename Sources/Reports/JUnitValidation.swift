// In-process validation of a JUnit file against an XSD with libxml2's schema API, so tests
// (ours and the runner's) can check reports without shelling out to xmllint.
import CLibXML2
import Foundation

public enum JUnitValidation {
    /// Validates `file` against the XSD at `schema`. Returns the problems found (empty when
    /// valid), each as `line N: message`. Throws when the schema itself cannot be loaded.
    public static func validate(file: String, schema: String) throws -> [String] {
        let collector = ErrorCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        let handler: xmlStructuredErrorFunc = { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
            let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
            collector.messages.append("line \(error.pointee.line): " + message.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        guard let parserContext = xmlSchemaNewParserCtxt(schema) else { throw ReportError("cannot open schema \(schema)") }
        defer { xmlSchemaFreeParserCtxt(parserContext) }
        xmlSchemaSetParserStructuredErrors(parserContext, handler, context)
        guard let parsedSchema = xmlSchemaParse(parserContext) else {
            throw ReportError("cannot parse schema \(schema): \(collector.messages.joined(separator: "; "))")
        }
        defer { xmlSchemaFree(parsedSchema) }
        collector.messages.removeAll()

        // Parse errors of the document go to the thread's structured handler; restore it after.
        xmlSetStructuredErrorFunc(context, handler)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        guard let document = xmlReadFile(file, nil, Int32(XML_PARSE_NONET.rawValue)) else {
            return collector.messages.isEmpty ? ["cannot read \(file)"] : collector.messages
        }
        defer { xmlFreeDoc(document) }

        guard let validContext = xmlSchemaNewValidCtxt(parsedSchema) else { throw ReportError("libxml2: cannot create "
            + "a validation context") }
        defer { xmlSchemaFreeValidCtxt(validContext) }
        xmlSchemaSetValidStructuredErrors(validContext, handler, context)
        let rc = xmlSchemaValidateDoc(validContext, document)
        if rc != 0 && collector.messages.isEmpty { collector.messages.append("invalid (libxml2 status \(rc))") }
        return collector.messages
    }
}

private final class ErrorCollector {
    var messages: [String] = []
}
