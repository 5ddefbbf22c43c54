#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) into fuzz/.build/.
# Each target is one module made of the sources it exercises and its entry point, so the
# whole of it is instrumented; no change to Package.swift is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/.build
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -I Sources/CLibCSV -lcsv -suppress-warnings)
csv=(Sources/VetoCSV/*.swift)
veto=(Sources/Veto/Numbers/*.swift Sources/Veto/Schema/Field.swift Sources/Veto/Schema/Header.swift)
build() {
  local name=$1; shift
  echo "building $name" >&2
  swiftc "${flags[@]}" -module-name "Fuzz${name//-/_}" "$@" -o "$out/$name" 2> >(grep -v "Cannot export local symbol" >&2)
}
targets=${*:-csv-reader number-parser header-matcher}
for t in $targets; do
  case $t in
    csv-reader) build csv-reader fuzz/FuzzCSVReader.swift "${csv[@]}" ;;
    number-parser) build number-parser fuzz/FuzzNumberParser.swift "${veto[@]}" ;;
    header-matcher) build header-matcher fuzz/FuzzHeaderMatcher.swift "${veto[@]}" ;;
    *) echo "unknown target $t (csv-reader, number-parser, header-matcher)" >&2; exit 2 ;;
  esac
done
