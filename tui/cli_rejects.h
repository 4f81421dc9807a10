/* parvande — the file `import --rejects OUT.csv` writes (tui/cli_rejects.c). */
#ifndef PARVANDE_CLI_REJECTS_H
#define PARVANDE_CLI_REJECTS_H

#include <stdbool.h>
#include <stdio.h>

typedef struct pv_rejects {
    FILE *f;        /* the temporary file rows are written to */
    char *path;     /* OUT.csv, the final name */
    char *tmp;      /* OUT.csv.XXXXXX beside it, mode 0600 */
} pv_rejects;

/* Opens the temporary file for `path`. Refuses (message on stderr, returns
 * an exit status, nothing created) a path that is the input file itself
 * (same inode, whatever the name) and, unless `force`, any file that
 * exists. 0 when open. */
int pv_rejects_open(pv_rejects *r, const char *path, const char *input, bool force);

/* Closes the temporary file and, when `keep`, renames it to the final name
 * (replacing an existing file only now, at the end); otherwise removes it,
 * leaving whatever was at the final name untouched. 0, or PV_EXIT_FAIL
 * after a message. */
int pv_rejects_close(pv_rejects *r, bool keep);

#endif
