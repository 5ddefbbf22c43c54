# Sourced by the benchmark scripts: `measure NAME KEY CMD...` runs CMD once under GNU time and
# appends "NAME KEY wall user system peak-KiB" to "$tmp/all" (the caller's temporary directory).
# A failing command is still measured; its standard error is in "$tmp/err".
measure() {
    local name="$1" key="$2"; shift 2
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || true
    echo "$name $key $(tail -1 "$tmp/t")" >> "$tmp/all"
}
