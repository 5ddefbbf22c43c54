private import CLibCSV

/// How the process asks for memory.
public enum Memory {
    /// Buffers of 256 KiB and more (the checker's and the detectors' growing state, batches of
    /// rows) are mapped on their own, so a freed one goes back to the system at once. glibc
    /// raises that threshold after the first such buffer is freed, and then the buffers a
    /// growing array leaves behind stay in the heap between small live blocks: on the 256 MiB
    /// benchmark file the full check's peak was 389 MB with glibc's default and 312 MB with
    /// this, at the same speed (BENCHMARKS.md). Call once, at start.
    public static func keepLargeBuffersApart() {
        veto_map_large_buffers(256 * 1024)
    }

    /// Gives the pages of freed heap memory back to the system (glibc's `malloc_trim`: the free
    /// pages between live blocks too, not only the heap's top). Called after a phase frees much
    /// of what it held, so that the next phase's allocations do not add to the pages left behind.
    ///
    /// - Complexity: O(heap) — once or twice a run, not per row.
    public static func returnFreed() {
        veto_return_free_memory()
    }
}
