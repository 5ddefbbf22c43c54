/// Made-up place names and division codes for generated counties. Names are two syllables from
/// a list of characters common in north-western place names, plus 县 / 镇 / 乡 / 村 / 社区.
/// Every character is in GB18030 (and in GB2312), so every encoding can write them.
enum PlaceNames {
    static let syllables: [Character] = Array(
        "东西南北中上下前后大小新老红青白金石安宁平和兴丰庆福寿长永泰康乐华阳山川河沟湾峪岭坪塬台堡寨庄营关桥井泉柳杨杏梨桃松柏榆槐马牛羊鹿龙凤云水清明德义仁孝文武家"
    )

    /// A two-syllable stem not in `taken` (tries a bounded number of times, then accepts a repeat).
    static func stem(_ rng: inout SplitMix64, avoiding taken: inout Set<String>) -> String {
        var s = ""
        for _ in 0..<20 {
            s = String([syllables[rng.below(syllables.count)], syllables[rng.below(syllables.count)]])
            if !taken.contains(s) { break }
        }
        taken.insert(s)
        return s
    }

    /// Provinces of the west, used in turn for the county codes of a run.
    static let provinces = ["62", "64", "63", "65", "15", "61", "52", "53", "54", "45"]
    /// How many counties a run can give distinct codes.
    static let maxCounties = provinces.count * 20 * 20

    /// The 6-digit code of the run's county number `index` (0-based): PP CC XX with XX in
    /// 21…40 (county codes), CC in 01…20, PP from `provinces`.
    static func countyCode(_ index: Int) -> String {
        let i = index % maxCounties
        let p = provinces[i / 400]
        let c = 1 + (i / 20) % 20
        let x = 21 + i % 20
        return p + pad2(c) + pad2(x)
    }

    static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    static func pad3(_ n: Int) -> String { n < 10 ? "00\(n)" : (n < 100 ? "0\(n)" : "\(n)") }
}
