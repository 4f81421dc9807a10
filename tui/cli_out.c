/* parvande — output shared by the commands: numbers and dates in the
 * user's language, and TSV cells. One implementation each, so that every
 * command prints them alike (declared in cli.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parvande/calendar.h"
#include "parvande/text.h"

static pv_lang message_lang = PV_LANG_FA;

void pv_cli_set_message_lang(pv_lang lang)
{
    message_lang = lang;
}

/* A byte of a word that may hold a number or a name: ASCII letters and
 * digits and the punctuation of dates, decimals and paths. */
static bool word_byte(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_' || c == '.' || c == '/' || c == '-' || c == '\\' || c == '~';
}

/* Whether the digits of the word text[0..n) are a number to show in
 * Persian: no Latin letter in it, and not a path ("/…", "./…", "~/…"). */
static bool numeric_word(const char *w, size_t n)
{
    if (w[0] == '/' || w[0] == '.' || w[0] == '~' || w[0] == '\\')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z') || w[i] == '_')
            return false;
    return true;
}

void pv_cli_put_message(FILE *f, const char *text)
{
    if (message_lang != PV_LANG_FA) {
        pv_cli_put(f, text);
        return;
    }
    size_t len = strlen(text), n = 0;
    char *out = malloc(len * 2 + 1); /* a Persian digit is two bytes */
    if (!out) {
        pv_cli_put(f, text);
        return;
    }
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && word_byte(text[end]))
            end++;
        if (end == i) {
            out[n++] = text[i++];
            continue;
        }
        bool persian = numeric_word(text + i, end - i);
        for (; i < end; i++) {
            if (persian && text[i] >= '0' && text[i] <= '9') {
                out[n++] = (char)0xDB; /* U+06F0 + d: 0xDB 0xB0 + d */
                out[n++] = (char)(0xB0 + (text[i] - '0'));
            } else {
                out[n++] = text[i];
            }
        }
    }
    out[n] = '\0';
    pv_cli_put(f, out);
    free(out);
}

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

int pv_cli_fail(pv_error *err)
{
    static const int exit_of[] = {
        [PV_OK] = PV_EXIT_OK, [PV_EFAIL] = PV_EXIT_FAIL, [PV_EUSAGE] = PV_EXIT_USAGE,
        [PV_EINVAL] = PV_EXIT_REJECTED, [PV_EINELIGIBLE] = PV_EXIT_INELIGIBLE,
        [PV_ENOTFOUND] = PV_EXIT_NOTFOUND, [PV_EDENIED] = PV_EXIT_DENIED,
        [PV_ECONFLICT] = PV_EXIT_REJECTED, [PV_ELOCKED] = PV_EXIT_DENIED,
    };
    int rc = (err->status >= 0 && (size_t)err->status < sizeof exit_of / sizeof *exit_of)
                 ? exit_of[err->status] : PV_EXIT_FAIL;
    if (rc == PV_EXIT_OK)
        rc = PV_EXIT_FAIL;
    fputs("parvande: ", stderr);
    pv_cli_put_message(stderr, err->message ? err->message : _("unknown error"));
    fputc('\n', stderr);
    pv_error_clear(err);
    return rc;
}

void pv_cli_put(FILE *f, const char *text)
{
    size_t size = strlen(text) * 3 + 4; /* U+FFFD is 3 bytes for every 1-byte control */
    char *clean = malloc(size);
    if (!clean)
        return;
    pv_text_sanitize(text, false, clean, size);
    fputs(clean, f);
    free(clean);
}
