import CInjector

/// The TCP listeners of this network namespace, from NETLINK_SOCK_DIAG (listeners.c): the
/// port check before and after every cell asks this, and /proc/net/tcp costs ~50x more.
public enum ListeningSockets {
    /// (port, socket inode) per LISTEN socket, IPv4 and IPv6; nil when the kernel refuses
    /// (no sock_diag here): the caller then reads /proc/net/tcp.
    public static func tcp() -> [(port: Int, inode: UInt32)]? {
        var room = 256
        while true {
            var ports = [UInt16](repeating: 0, count: room)
            var inodes = [UInt32](repeating: 0, count: room)
            let count = Int(cinj_tcp_listeners(&ports, &inodes, Int32(room)))
            if count < 0 { return nil }
            if count <= room { return (0..<count).map { (Int(ports[$0]), inodes[$0]) } }
            room = count + 64
        }
    }
}
