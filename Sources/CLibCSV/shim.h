// libcsv from Debian's libcsv-dev (no pkg-config file is shipped, so the
// header is included by its installed path and the library linked by name).
#include <csv.h>
