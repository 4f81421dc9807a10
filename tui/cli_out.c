/* parvande — output shared by the commands: numbers and dates in the
 * user's language, and TSV cells. One implementation each, so that every
 * command prints them alike (declared in cli.h). */
#include <string.h>

#include "cli.h"
#include "parvande/calendar.h"
#include "parvande/text.h"

void pv_cli_put_digits(const pv_cli *cli, FILE *f, const char *ascii)
{
    if (cli->lang != PV_LANG_FA) {
        pv_cli_put(f, ascii);
        return;
    }
    char buf[256]; /* a Persian digit is two bytes: room for a long message's numbers */
    pv_digits_persian(ascii, buf, sizeof buf);
    pv_cli_put(f, buf);
}

void pv_cli_put_num(const pv_cli *cli, FILE *f, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    pv_cli_put_digits(cli, f, buf);
}

void pv_cli_put_date(const pv_cli *cli, FILE *f, const char *iso)
{
    char j[11];
    if (!iso || !iso[0] || !pv_date_to_jalali_text(iso, j)) {
        fputs("-", f);
        return;
    }
    pv_cli_put_digits(cli, f, j);
}

void pv_cli_put_time(const pv_cli *cli, FILE *f, const char *at)
{
    char iso[11], j[11], shown[64];
    snprintf(iso, sizeof iso, "%.10s", at);
    if (strlen(at) < 16 || !pv_date_to_jalali_text(iso, j)) {
        pv_cli_put(f, at[0] ? at : "-");
        return;
    }
    snprintf(shown, sizeof shown, "%s %.5s UTC", j, at + 11);
    pv_cli_put_digits(cli, f, shown);
}

void pv_cli_tsv(FILE *f, const char *s, bool last)
{
    pv_cli_put(f, s ? s : "");
    fputc(last ? '\n' : '\t', f);
}

void pv_cli_tsv_num(FILE *f, long long v, bool last)
{
    fprintf(f, "%lld%c", v, last ? '\n' : '\t');
}
