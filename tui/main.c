/* parvande — entry point. */
#include "cli.h"

int main(int argc, char **argv)
{
    return pv_main(argc, argv);
}
