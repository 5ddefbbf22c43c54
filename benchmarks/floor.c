/*
 * floor.c — the speed floor for veto's CSV reader.
 *
 * Parses a CSV file with libcsv exactly the way veto's reader drives it and
 * does nothing else: CSV_STRICT | CSV_STRICT_FINI, a space function that
 * returns 0 (so libcsv keeps leading/trailing spaces as written instead of
 * trimming them), the file read with read(2) in 64 KiB chunks, and callbacks
 * that only count fields and records and sum field lengths (so that the
 * compiler cannot drop the work).
 *
 * Build:  cc -O2 -o benchmarks/floor benchmarks/floor.c -lcsv
 * Run:    benchmarks/floor FILE [--repall-nl] [-v]
 * Prints: bytes=N records=N fields=N seconds=S   (one line, stdout)
 *         with -v also field_bytes=N (sum of field lengths) on stderr.
 *
 * --repall-nl also sets CSV_REPALL_NL (report every unquoted CR/LF), for
 * comparing the cost of exact line numbers; it is not the default.
 *
 * Exit status: 0 on success, 1 on a CSV syntax error (reported with its byte
 * offset, 0-based), 2 on usage or I/O errors.
 */
#define _POSIX_C_SOURCE 200809L
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

struct counts {
    uint64_t fields;
    uint64_t records;
    uint64_t field_bytes;
};

static void on_field(void *s, size_t len, void *data) {
    struct counts *c = data;
    (void)s;
    c->fields += 1;
    c->field_bytes += len;
}

static void on_record(int terminator, void *data) {
    struct counts *c = data;
    (void)terminator;
    c->records += 1;
}

static int no_space(unsigned char ch) {
    (void)ch;
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    const char *path = NULL;
    unsigned char options = CSV_STRICT | CSV_STRICT_FINI;
    int verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
        } else if (strcmp(argv[i], "--repall-nl") == 0) {
            options |= CSV_REPALL_NL;
        } else if (path == NULL) {
            path = argv[i];
        } else {
            path = NULL;
            break;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "usage: %s FILE [--repall-nl] [-v]\n", argv[0]);
        return 2;
    }

    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "floor: cannot open %s: %s\n", path, strerror(errno));
        return 2;
    }

    struct csv_parser parser;
    if (csv_init(&parser, options) != 0) {
        fprintf(stderr, "floor: csv_init failed\n");
        return 2;
    }
    csv_set_space_func(&parser, no_space);

    static unsigned char buf[CHUNK];
    struct counts counts = {0, 0, 0};
    uint64_t bytes = 0;
    double start = now();

    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "floor: read %s: %s\n", path, strerror(errno));
            return 2;
        }
        if (n == 0) break;
        size_t used = csv_parse(&parser, buf, (size_t)n, on_field, on_record, &counts);
        if (used != (size_t)n) {
            fprintf(stderr, "floor: %s: %s at byte offset %llu\n", path,
                    csv_strerror(csv_error(&parser)),
                    (unsigned long long)(bytes + used));
            return 1;
        }
        bytes += (uint64_t)n;
    }
    if (csv_fini(&parser, on_field, on_record, &counts) != 0) {
        fprintf(stderr, "floor: %s: %s at end of file (byte offset %llu)\n", path,
                csv_strerror(csv_error(&parser)), (unsigned long long)bytes);
        return 1;
    }
    double seconds = now() - start;
    csv_free(&parser);
    close(fd);

    printf("bytes=%llu records=%llu fields=%llu seconds=%.3f\n",
           (unsigned long long)bytes, (unsigned long long)counts.records,
           (unsigned long long)counts.fields, seconds);
    /* The field-byte sum keeps the callbacks' work observable; it goes to
       stderr so stdout stays the one documented line. */
    volatile uint64_t sink = counts.field_bytes;
    if (verbose) fprintf(stderr, "floor: field_bytes=%llu\n", (unsigned long long)sink);
    return 0;
}
