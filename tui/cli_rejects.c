/* parvande — the rejected rows' file of `import --rejects OUT.csv`.
 *
 * It holds national IDs and names, so it is created 0600 like the
 * database. It is written under a temporary name beside its final one and
 * renamed at the end, so neither an existing file nor, above all, the
 * input is truncated before the import has read it: `import same.csv
 * --rejects same.csv` once emptied the input and then imported nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_rejects.h"
#include "parvande/i18n.h"

static int refuse(const char *path, const char *why)
{
    fputs("parvande: --rejects ", stderr);
    pv_cli_put(stderr, path);
    fprintf(stderr, ": %s\n", why);
    return PV_EXIT_USAGE;
}

static int failed(const char *path)
{
    fputs("parvande: ", stderr);
    fprintf(stderr, _("cannot write %s: %s"), path, strerror(errno));
    fputc('\n', stderr);
    return PV_EXIT_FAIL;
}

int pv_rejects_open(pv_rejects *r, const char *path, const char *input, bool force)
{
    memset(r, 0, sizeof *r);
    struct stat out, in;
    if (stat(path, &out) == 0) {
        if (input && stat(input, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            return refuse(path, _("this is the file being imported; name another file"));
        if (!force)
            return refuse(path, _("the file exists; give --force to replace it"));
        if (!S_ISREG(out.st_mode))
            return refuse(path, _("not a regular file"));
    }
    if (asprintf(&r->tmp, "%s.XXXXXX", path) < 0) {
        r->tmp = NULL;
        return failed(path);
    }
    int fd = mkstemp(r->tmp); /* 0600, whatever the umask */
    if (fd < 0 || fchmod(fd, 0600) != 0 || !(r->f = fdopen(fd, "w")) ||
        !(r->path = strdup(path))) {
        int rc = failed(path);
        if (fd >= 0) {
            if (r->f)
                fclose(r->f);
            else
                close(fd);
            unlink(r->tmp);
        }
        free(r->tmp);
        memset(r, 0, sizeof *r);
        return rc;
    }
    return 0;
}

int pv_rejects_close(pv_rejects *r, bool keep)
{
    if (!r->f)
        return 0;
    int rc = 0;
    bool written = fflush(r->f) == 0 && fsync(fileno(r->f)) == 0;
    if (fclose(r->f) != 0)
        written = false;
    if (keep && (!written || rename(r->tmp, r->path) != 0))
        rc = failed(r->path);
    if (rc || !keep)
        unlink(r->tmp);
    free(r->tmp);
    free(r->path);
    memset(r, 0, sizeof *r);
    return rc;
}
