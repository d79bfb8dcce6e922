/// Which decisions become events.
public enum EventSelection: Sendable, Equatable {
    /// Every decision on a trapped call while armed, allow included (monitors, traces).
    case all
    /// Only deny and delay decisions (`faultbox run --trace`).
    case faultsOnly
    /// No events (hits are still counted).
    case none
}
