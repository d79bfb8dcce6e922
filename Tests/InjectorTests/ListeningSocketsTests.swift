import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The port check's source (sock_diag): a socket that listens is there with its port and
/// inode, one that only is bound is not, and a closed one is gone.
final class ListeningSocketsTests: XCTestCase {
    func testListenerAppearsWithItsPortAndInodeAndGoesAwayWhenClosed() throws {
        let (fd, port) = try socket(listening: true)
        let sockets = try XCTUnwrap(ListeningSockets.tcp(), "sock_diag refused here")
        let mine = sockets.filter { $0.port == port }
        XCTAssertEqual(mine.count, 1, "\(sockets)")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
        XCTAssertEqual(link, "socket:[\(mine.first?.inode ?? 0)]")
        close(fd)
        XCTAssertFalse(ListeningSockets.tcp()?.contains { $0.port == port } ?? true)
    }

    func testBoundButNotListeningIsNotAListener() throws {
        let (fd, port) = try socket(listening: false)
        defer { close(fd) }
        XCTAssertFalse(try XCTUnwrap(ListeningSockets.tcp()).contains { $0.port == port })
    }

    /// A TCP socket on 127.0.0.1 and a port the kernel picks.
    private func socket(listening: Bool) throws -> (Int32, Int) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, !listening || listen(fd, 4) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
