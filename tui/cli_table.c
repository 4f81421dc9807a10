/* parvande — the rows of the listing commands, printed one way for
 * scripts (--tsv) and one way for people, from one description of the
 * columns (see pv_cli_cell in cli.h). */
#include <stdio.h>

#include "cli.h"

static void cell_tsv(const pv_cli_cell *c, bool last)
{
    if (c->kind == PV_CELL_NUM)
        pv_cli_tsv_num(stdout, c->num, last);
    else
        pv_cli_tsv(stdout, c->value, last);
}

/* False when the cell shows nothing to people (then neither its label). */
static bool cell_shown(const pv_cli_cell *c)
{
    if (c->shown)
        return c->shown[0] != '\0';
    if (c->kind == PV_CELL_TEXT || c->kind == PV_CELL_DIGITS)
        return c->value && c->value[0];
    return true; /* numbers, and dates and times ("-" when empty) */
}

static void cell_people(const pv_cli *cli, const pv_cli_cell *c)
{
    if (c->label)
        printf("%s ", c->label);
    const char *text = c->shown ? c->shown : c->value ? c->value : "";
    switch (c->kind) {
    case PV_CELL_DIGITS: pv_cli_put_digits(cli, stdout, text); break;
    case PV_CELL_NUM:
        if (c->shown)
            pv_cli_put_digits(cli, stdout, text);
        else
            pv_cli_put_num(cli, stdout, c->num);
        break;
    case PV_CELL_DATE:
        if (c->shown)
            pv_cli_put(stdout, text);
        else
            pv_cli_put_date(cli, stdout, text);
        break;
    case PV_CELL_TIME:
        if (c->shown)
            pv_cli_put(stdout, text);
        else
            pv_cli_put_time(cli, stdout, text);
        break;
    default: pv_cli_put(stdout, text); break;
    }
}

void pv_cli_row(const pv_cli *cli, bool tsv, const pv_cli_cell *cells, size_t n)
{
    if (tsv) {
        size_t last = n;
        while (last > 0 && cells[last - 1].no_tsv)
            last--;
        for (size_t i = 0; i < n; i++)
            if (!cells[i].no_tsv)
                cell_tsv(&cells[i], i + 1 == last);
        if (last == 0)
            putchar('\n');
        return;
    }
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!cell_shown(&cells[i]))
            continue;
        if (!first)
            fputs(cells[i].tight ? " " : "  ", stdout);
        cell_people(cli, &cells[i]);
        first = false;
    }
    putchar('\n');
}
