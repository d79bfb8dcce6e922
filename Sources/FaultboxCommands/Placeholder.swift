public enum FaultboxMain { public static func main() { print("faultbox: not built yet") } }
