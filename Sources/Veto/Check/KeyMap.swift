/// A hash map from 64-bit keys to 32-bit slots: open addressing with linear probing, a
/// multiplicative hash, no per-entry allocation. 12 bytes a bucket, 50 to 75 % full (the table
/// grows by 3/2 and 4/3 in turn, like ``SlotMap``), so 16 to 24 bytes an entry (a Swift
/// `Dictionary<UInt64, Int32>` with SipHash costs more, in time and memory).
///
/// - Complexity: O(1) expected per lookup and insert; memory O(entries).
struct KeyMap {
    private var keys: [UInt64]
    private var values: [Int32]      // -1: empty bucket
    private var size: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var n = 16
        while n * 3 < capacity * 4 { n = SlotMap.next(n) }
        keys = Array(repeating: 0, count: n)
        values = Array(repeating: -1, count: n)
        size = n
    }

    /// Bits 20–51 of the product scaled to the bucket count.
    @inline(__always)
    private func bucket(_ k: UInt64) -> Int {
        Int(truncatingIfNeeded: ((((k &* 0x9E37_79B9_7F4A_7C15) >> 20) & 0xFFFF_FFFF) &* UInt64(size)) >> 32)
    }

    @inline(__always)
    private func after(_ i: Int) -> Int { i + 1 == size ? 0 : i + 1 }

    subscript(_ k: UInt64) -> Int32? {
        get {
            var i = bucket(k)
            while true {
                let v = values[i]
                if v < 0 { return nil }
                if keys[i] == k { return v }
                i = after(i)
            }
        }
        set {
            guard let v = newValue else { return }   // entries are never removed
            if (count + 1) * 4 > keys.count * 3 { grow() }
            var i = bucket(k)
            while values[i] >= 0 {
                if keys[i] == k { values[i] = v; return }
                i = after(i)
            }
            keys[i] = k
            values[i] = v
            count += 1
        }
    }

    /// Every key with its slot, in bucket order.
    func forEach(_ body: (UInt64, Int32) -> Void) {
        for i in keys.indices where values[i] >= 0 { body(keys[i], values[i]) }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let n = SlotMap.next(keys.count)
        keys = Array(repeating: 0, count: n)
        values = Array(repeating: -1, count: n)
        size = n
        count = 0
        for i in oldKeys.indices where oldValues[i] >= 0 { self[oldKeys[i]] = oldValues[i] }
    }
}

/// Keys numbered in the order they were first inserted: the checker's unit-period and
/// parent-period tables, whose slots are those numbers. A bucket holds only the slot (4 bytes);
/// the key lives once, in a block array by slot (8 bytes) — 13 to 16 bytes an entry, against 16
/// to 32 for ``KeyMap``, and growing copies only the buckets. The bits of a bucket the slot does
/// not need hold a few bits of the key's hash (a tag): a probe reads the key, elsewhere in
/// memory, only when the tag matches — on a table of millions, a lookup costs one cache miss
/// for the bucket instead of one per probe.
///
/// - Complexity: O(1) expected per lookup and insert; memory O(entries).
struct SlotMap: ~Copyable {
    private var buckets: [Int32]     // -1: empty; else slot << tagBits | tag
    /// The bucket count: a power of two or one and a half times one (the table grows by 3/2 and
    /// 4/3 in turn, not by 2: at 2.3 M keys 3.1 M buckets, 12.6 MB, instead of 4.2 M, 16.8 MB).
    private var size: Int
    /// 31 minus the bits a slot can need (a slot is below the bucket count).
    private var tagBits = 0
    private var keys = Chunked<UInt64>()

    var count: Int { keys.count }

    init(capacity: Int = 1024) {
        var n = 16
        while n * 3 < capacity * 4 { n = Self.next(n) }
        buckets = Array(repeating: -1, count: n)
        size = n
        tagBits = Self.tagBits(n)
    }

    /// The bucket count after `n`: 16, 24, 32, 48, 64, …
    static func next(_ n: Int) -> Int { n & (n - 1) == 0 ? n + n / 2 : n / 3 * 4 }

    private static func tagBits(_ buckets: Int) -> Int { max(0, 31 - (Int.bitWidth - (buckets - 1).leadingZeroBitCount)) }

    /// Frees the buckets, keeping the keys by slot (no lookup works after this).
    mutating func releaseBuckets() {
        buckets = []
        size = 0
    }

    /// Frees the keys (the map is owned by one checker, not copied).
    mutating func release() {
        keys.release()
        buckets = Array(repeating: -1, count: 16)
        size = 16
        tagBits = Self.tagBits(16)
    }

    /// The key's high half folded into its low half first: a product's bits 20 and up, where
    /// buckets come from, depend only on the key's bits below them, and keys that differ only
    /// above bit 32 (a group-period key is group << 32 | period) would all share a bucket.
    @inline(__always)
    private static func hash(_ k: UInt64) -> UInt64 { (k ^ k >> 32) &* 0x9E37_79B9_7F4A_7C15 }

    /// Bits 20–51 of the hash scaled to the bucket count (multiply and shift, for any count): the
    /// tag takes the top bits, so the two stay apart.
    @inline(__always)
    private func bucket(_ h: UInt64) -> Int { Int(truncatingIfNeeded: (((h >> 20) & 0xFFFF_FFFF) &* UInt64(size)) >> 32) }

    @inline(__always)
    private func after(_ i: Int) -> Int { i + 1 == size ? 0 : i + 1 }

    @inline(__always)
    private func tag(_ h: UInt64) -> Int32 { tagBits == 0 ? 0 : Int32(truncatingIfNeeded: h >> UInt64(64 - tagBits)) }

    /// The key of a slot.
    func key(_ slot: Int) -> UInt64 { keys[slot] }

    subscript(_ k: UInt64) -> Int32? {
        let h = Self.hash(k), t = tag(h), tagMask: Int32 = (1 << Int32(tagBits)) - 1
        var i = bucket(h)
        while true {
            let v = buckets[i]
            if v < 0 { return nil }
            if v & tagMask == t {
                let slot = v >> Int32(tagBits)
                if keys[Int(slot)] == k { return slot }
            }
            i = after(i)
        }
    }

    /// Adds a key not yet in the map; its slot is the number of keys before it.
    @discardableResult
    mutating func insert(_ k: UInt64) -> Int32 {
        if (count + 1) * 4 > buckets.count * 3 { grow() }
        let slot = Int32(count)
        place(k, slot)
        keys.append(k)
        return slot
    }

    private mutating func place(_ k: UInt64, _ slot: Int32) {
        let h = Self.hash(k)
        var i = bucket(h)
        while buckets[i] >= 0 { i = after(i) }
        buckets[i] = slot << Int32(tagBits) | tag(h)
    }

    private mutating func grow() {
        let n = Self.next(buckets.count)
        buckets = Array(repeating: -1, count: n)
        size = n
        tagBits = Self.tagBits(n)
        for s in 0..<count { place(keys[s], Int32(s)) }
    }
}
