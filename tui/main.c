/* parvande — entry point. */
#include <signal.h>

#include "cli.h"

int main(int argc, char **argv)
{
    /* A file grown past RLIMIT_FSIZE is a full disk to SQLite (an error it
     * reports and rolls back), not a signal that kills the program. */
    signal(SIGXFSZ, SIG_IGN);
    return pv_main(argc, argv);
}
