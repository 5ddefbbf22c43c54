#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) into fuzz/.build/.
# FUZZ_SANITIZE=fuzzer builds them without AddressSanitizer into fuzz/.build-fuzzer/ instead:
# several times the executions per second (the Swift code is memory-safe; ASan mostly watches
# libcsv and libyaml), for long runs of the slow targets.
# Each target is one module made of the sources it exercises and its entry point, so the
# whole of it is instrumented; no change to Package.swift is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
san=${FUZZ_SANITIZE:-fuzzer,address}
case $san in
  fuzzer,address) out=fuzz/.build; csan=fuzzer-no-link,address ;;
  fuzzer) out=fuzz/.build-fuzzer; csan=fuzzer-no-link ;;
  *) echo "FUZZ_SANITIZE must be fuzzer,address or fuzzer, got $san" >&2; exit 2 ;;
esac
mkdir -p "$out"
flags=(-sanitize="$san" -parse-as-library -O -g -I Sources/CLibCSV -lcsv -suppress-warnings)
csv=(Sources/VetoCSV/*.swift)
veto=(Sources/Veto/Numbers/*.swift Sources/Veto/Schema/Field.swift Sources/Veto/Schema/Header.swift)
build() {
  local name=$1; shift
  echo "building $name" >&2
  swiftc "${flags[@]}" -module-name "Fuzz${name//-/_}" "$@" -o "$out/$name" 2> >(grep -v "Cannot export local symbol" >&2)
}
# The rule-file and standards targets need the whole Veto module, which imports VetoCSV,
# VetoStats and Yams: those become instrumented static libraries first (Yams from SwiftPM's checkout,
# so run `swift build` once), and Veto's sources are compiled into the target's module.
yams=.build/checkouts/Yams/Sources
libs() {
  [ -d "$yams" ] || { echo "no $yams: run swift build first (it fetches Yams)" >&2; exit 2; }
  mkdir -p "$out/mods" "$out/cyaml"
  if [ ! -f "$out/libCYaml.a" ]; then
    echo "building CYaml" >&2
    for c in "$yams"/CYaml/src/*.c; do
      clang -fsanitize="$csan" -O1 -g -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" -c "$c" -o "$out/cyaml/$(basename "$c" .c).o"
    done
    ar rcs "$out/libCYaml.a" "$out"/cyaml/*.o
  fi
  if [ ! -f "$out/libYams.a" ]; then
    echo "building Yams" >&2
    swiftc "${flags[@]}" -module-name Yams -emit-library -static -emit-module -emit-module-path "$out/mods/Yams.swiftmodule" \
      -D SWIFT_PACKAGE -Xcc -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" "$yams"/Yams/*.swift -o "$out/libYams.a" 2> >(grep -v "Cannot export local symbol" >&2)
  fi
  if [ ! -f "$out/libVetoStats.a" ] || [ -n "$(find Sources/VetoStats -newer "$out/libVetoStats.a")" ]; then
    echo "building VetoStats" >&2
    swiftc "${flags[@]}" -module-name VetoStats -emit-library -static -emit-module -emit-module-path "$out/mods/VetoStats.swiftmodule" \
      Sources/VetoStats/*.swift -o "$out/libVetoStats.a" 2> >(grep -v "Cannot export local symbol" >&2)
  fi
  if [ ! -f "$out/libVetoCSV.a" ] || [ -n "$(find Sources/VetoCSV -newer "$out/libVetoCSV.a")" ]; then
    echo "building VetoCSV" >&2
    swiftc "${flags[@]}" -module-name VetoCSV -emit-library -static -emit-module -emit-module-path "$out/mods/VetoCSV.swiftmodule" \
      "${csv[@]}" -o "$out/libVetoCSV.a" 2> >(grep -v "Cannot export local symbol" >&2)
  fi
}
whole=(-I "$out/mods" -I "$yams/CYaml/include" -Xcc -DYAML_DECLARE_STATIC $(find Sources/Veto -name "*.swift" | sort)
       "$out/libVetoCSV.a" "$out/libVetoStats.a" "$out/libYams.a" "$out/libCYaml.a")
targets=${*:-csv-reader number-parser header-matcher rule-file standards check}
for t in $targets; do
  case $t in
    csv-reader) build csv-reader fuzz/FuzzCSVReader.swift "${csv[@]}" ;;
    number-parser) build number-parser fuzz/FuzzNumberParser.swift "${veto[@]}" ;;
    header-matcher) build header-matcher fuzz/FuzzHeaderMatcher.swift "${veto[@]}" ;;
    rule-file) libs; build rule-file fuzz/FuzzRuleFile.swift "${whole[@]}" ;;
    standards) libs; build standards fuzz/FuzzStandards.swift "${whole[@]}" ;;
    check) libs; build check fuzz/FuzzCheck.swift "${whole[@]}" ;;
    *) echo "unknown target $t (csv-reader, number-parser, header-matcher, rule-file, standards, check)" >&2; exit 2 ;;
  esac
done
