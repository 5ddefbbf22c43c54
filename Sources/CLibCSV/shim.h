// libcsv from Debian's libcsv-dev (no pkg-config file is shipped, so the
// header is included by its installed path and the library linked by name).
#include <csv.h>

// libcsv trims spaces and tabs around unquoted fields unless told that no byte is a
// space. It asks for every byte, so the answer is a C function: a Swift closure here
// costs a thunk per byte of input.
static inline int veto_csv_no_space(unsigned char c) { (void)c; return 0; }
