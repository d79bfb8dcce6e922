// gzip through the system's zlib: the HTML report embeds the JSON report's bytes gzipped
// (docs/reports.md, "HTML"), and tests and tools read them back with `decompress`.
import CZlib

enum Gzip {
    /// The gzip member of `bytes` (header with no name and mtime 0, so equal input gives
    /// equal output). zlib only fails here on memory exhaustion, which the caller reports.
    /// Level 6, zlib's default: on bench/html.sh's 7.1 MB JSON report it deflates in 41 ms to
    /// 305 KB; level 9 takes 213 ms for 262 KB, level 1 23 ms for 535 KB.
    static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        guard faultbox_deflate_init_gzip(&stream, level) == Z_OK else { throw ReportError("gzip: cannot start zlib's deflate") }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let status: Int32 = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound is enough for one Z_FINISH call; anything but the stream's end is zlib's failure.
        guard status == Z_STREAM_END else { throw ReportError("gzip: zlib's deflate stopped with status \(status)") }
        out.removeSubrange(Int(stream.total_out)...)
        return out
    }

    /// The bytes of a single gzip member, or nil when `bytes` is not a complete, intact one
    /// (bad header, CRC or length, truncated, trailing bytes).
    static func decompress(_ bytes: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard faultbox_inflate_init_gzip(&stream) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return bytes.withUnsafeBufferPointer { input -> [UInt8]? in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.avail_out))
                }
                out.append(contentsOf: chunk[..<produced])
                if status == Z_STREAM_END { return stream.avail_in == 0 ? out : nil }
                // Z_BUF_ERROR with input left means no progress was possible: truncated.
                if status != Z_OK || (produced == 0 && stream.avail_in == 0) { return nil }
            }
        }
    }
}
