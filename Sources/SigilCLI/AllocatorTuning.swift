import CSigilIO

/// The C allocator's settings for a long-running `sigil serve` (decision 0107).
///
/// Every verification allocates the same few large planes (a 1 MP picture's analysis planes are about 1 MiB each)
/// and frees them again. With glibc's defaults those blocks are mapped and unmapped, or the heap's top is trimmed and
/// grown again, so each request pays for fresh zero pages (page faults and clearing, about a tenth of an unmarked
/// picture's verification). Raising the mapping threshold to 64 MiB and the trim threshold to 256 MiB keeps freed
/// planes in the heap for the next request. Resident memory then stays at its working peak instead of shrinking
/// between requests; blocks of 64 MiB and more are still mapped and returned at once.
///
/// An operator who sets glibc's own knobs (`MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_` or `GLIBC_TUNABLES`)
/// keeps them: nothing is changed then.
enum AllocatorTuning {
    static let mmapThreshold: Int32 = 64 << 20
    static let trimThreshold: Int32 = 256 << 20

    /// Applies the server's settings unless the environment already sets the allocator's; returns whether it did.
    @discardableResult
    static func applyForServer(environment: [String: String]) -> Bool {
        let knobs = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"]
        guard !knobs.contains(where: { environment[$0] != nil }) else { return false }
        return sigil_set_allocator_thresholds(mmapThreshold, trimThreshold) == 1
    }
}
