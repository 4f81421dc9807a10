/* parvande — the scriptable subcommands. Every command is one table entry
 * (name, usage, summary, handler); the modules' tables are listed in cli.c,
 * and --help is generated from them. */
#ifndef PARVANDE_CLI_H
#define PARVANDE_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "parvande/context.h"

typedef struct pv_cli {
    const char *db_path; /* --db, or NULL for the default */
    pv_lang lang;
    int argc;            /* the command's own arguments, argv[0] is the command */
    char **argv;
    pv_ctx *ctx;         /* opened by pv_cli_open() */
    const char *user;    /* --user NAME, or NULL */
    int password_fd;     /* --password-fd N, or -1: the terminal */
    const struct pv_command *cmd; /* the command running, set by the dispatch */
} pv_cli;

/* Exit statuses (as in the README). */
enum { PV_EXIT_OK = 0, PV_EXIT_FAIL = 1, PV_EXIT_USAGE = 2, PV_EXIT_REJECTED = 3,
       PV_EXIT_INELIGIBLE = 4, PV_EXIT_NOTFOUND = 5, PV_EXIT_DENIED = 6 };

typedef struct pv_command {
    const char *name;
    const char *usage;   /* msgid: the arguments after the name */
    const char *summary; /* msgid: one line for --help */
    int (*run)(pv_cli *cli); /* returns the exit status */
} pv_command;

/* Each module's commands, each table ending with an entry whose name is NULL. */
extern const pv_command pv_cmds_files[];
extern const pv_command pv_cmds_services[];
extern const pv_command pv_cmds_security[];
extern const pv_command pv_cmds_batch[];
extern const pv_command pv_cmds_desk[];
extern const pv_command pv_cmds_groups[];   /* group, course, inquiry (tui/cmd_groups.c) */
extern const pv_command pv_cmds_referrals[]; /* tui/cmd_referrals.c */
extern const pv_command pv_cmds_insurance[]; /* tui/cmd_insurance.c */
extern const pv_command pv_cmds_stats[];    /* tui/cmd_stats.c */
extern const pv_command pv_cmds_exchange[]; /* tui/cmd_exchange.c */

/* Whether a fact key is one the program knows or a rule of the catalog
 * reads ("fact.KEY", a card's group fact): `fact` refuses others unless
 * --force, so a typo such as "requst" is not stored silently. */
bool pv_cli_fact_key_read(pv_ctx *ctx, const char *key);

/* Rials with thousands separators, as the interface shows them (Persian
 * digits and separator in Persian). */
void pv_cli_put_money(const pv_cli *cli, FILE *f, long long rials);

/* The command of that name in the tables, or NULL. */
const pv_command *pv_cli_find(const char *name);

/* (tui/session.c) Opens the database into cli->ctx (once); on failure prints the reason and
 * returns the exit status to use, else 0. For a command (cli->argc > 0) it
 * also authenticates: once the database has a user, --user and the right
 * password are required (PV_EXIT_DENIED otherwise); the interface
 * (cli->argc == 0) has its own login screen. */
int pv_cli_open(pv_cli *cli);

/* Prints a core error to stderr ("parvande: message") and returns the exit
 * status that matches its pv_status. Clears the error. */
int pv_cli_fail(pv_error *err);

/* Writes database text to `f` neutralised (no control or bidi override
 * characters reach the terminal). */
void pv_cli_put(FILE *f, const char *text);

/* The language of the messages on stderr (set once the options are read):
 * in Persian, pv_cli_put_message writes the numbers of a message with
 * Persian digits. */
void pv_cli_set_message_lang(pv_lang lang);

/* Writes a message like pv_cli_put; in the Persian interface its numbers
 * ("line 7", "day 31 of month 7 of 1403", a national ID, a Jalali date)
 * get Persian digits, while digits inside a word of Latin letters or a path
 * ("x2.csv", "/tmp/123/a", "H0001") stay as they were typed. */
void pv_cli_put_message(FILE *f, const char *text);

/* Prints "usage: parvande <name> <usage>" to stderr and returns PV_EXIT_USAGE. */
int pv_cli_usage(const pv_command *cmd);

/* Prints the command's usage and summary to stdout (COMMAND --help);
 * returns PV_EXIT_OK. */
int pv_cli_help(const pv_command *cmd);

/* Prints the usage of the running command (cli->argv[0]) like
 * pv_cli_usage and returns PV_EXIT_USAGE. */
int pv_cli_usage_self(const pv_cli *cli);

/* ---- options ---- */

/* One option of a command: a flag ("--tsv", sets *flag) or an option with a
 * value ("--date D", sets *value to the next argument, whatever it is).
 * `valid`, when set, checks every value given: one it refuses is a usage
 * error even when a later one would do. */
typedef struct pv_cli_opt {
    const char *name;
    bool *flag;
    const char **value;
    bool (*valid)(const char *value);
} pv_cli_opt;

#define PV_CLI_FLAG(name, flag) {(name), (flag), NULL, NULL}
#define PV_CLI_VALUE(name, value) {(name), NULL, (value), NULL}
#define PV_CLI_END {NULL, NULL, NULL, NULL}

/* Parses "--password-fd N" style values: a file descriptor number >= 0,
 * else -1. */
int pv_cli_parse_fd(const char *s);

/* Reads cli->argv[from..]: the options of `opts` (a table ending with a
 * NULL name; a later option overrides an earlier one) and, in order, up to
 * max_pos other words into pos[]. A word with one leading '-' is such a
 * word (commands that refuse it check). Returns how many words came, or -1
 * for an unknown "--" option, an option without its value, or more than
 * max_pos words, or a value `valid` refuses. */
int pv_cli_parse(const pv_cli *cli, int from, const pv_cli_opt *opts, const char **pos,
                 int max_pos);

/* pv_cli_parse into pos (room for `room` words), then between min_pos and
 * max_pos words: how many came, else -1 (the caller prints the usage). */
int pv_cli_parse_between(const pv_cli *cli, int from, const pv_cli_opt *opts, const char **pos,
                         int room, int min_pos, int max_pos);

/* ---- output in the user's language (tui/cli_out.c) ----
 * Human output follows cli->lang: Persian digits and Jalali dates in
 * Persian. Everything goes through pv_cli_put. */

/* ASCII text (a number, a date, a message with numbers in it), with its
 * digits Persian when the language is; at most 255 bytes once converted. */
void pv_cli_put_digits(const pv_cli *cli, FILE *f, const char *ascii);
void pv_cli_put_num(const pv_cli *cli, FILE *f, long long v);
/* An ISO date as Jalali; "-" when NULL, empty or out of range. */
void pv_cli_put_date(const pv_cli *cli, FILE *f, const char *iso);
/* A UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" as "Jalali HH:MM UTC"; anything
 * shorter or unreadable as it is ("-" when empty). */
void pv_cli_put_time(const pv_cli *cli, FILE *f, const char *at);

/* ---- --tsv output (tui/cli_out.c): ASCII digits, ISO dates, codes ---- */

/* One cell, then a tab, or the line end when `last`. The text is
 * neutralised by pv_cli_put, which also turns tabs and newlines into
 * spaces, so a cell never splits a row; NULL is an empty cell. */
void pv_cli_tsv(FILE *f, const char *s, bool last);
void pv_cli_tsv_num(FILE *f, long long v, bool last);

/* ---- the rows of listings (tui/cli_table.c) ----
 * A listing command describes each row once, as cells; pv_cli_row prints it
 * for scripts (--tsv: the cells' values, tab-separated, ASCII digits, ISO
 * dates, codes) or for people (two spaces between cells, each shown as its
 * kind is: Persian digits and Jalali dates in Persian, the translated word
 * when `shown` gives one). */

typedef enum pv_cli_cell_kind {
    PV_CELL_TEXT = 0, /* text, from the database or a message */
    PV_CELL_DIGITS,   /* ASCII digits or a message with numbers (an ID) */
    PV_CELL_NUM,      /* the number `num` */
    PV_CELL_DATE,     /* an ISO date; "-" for people when empty */
    PV_CELL_TIME      /* a UTC timestamp; "-" for people when empty */
} pv_cli_cell_kind;

typedef struct pv_cli_cell {
    pv_cli_cell_kind kind;
    const char *value; /* the TSV value (NULL: an empty cell), also for people */
    long long num;     /* PV_CELL_NUM's value */
    const char *shown; /* for people instead of the value (a translated word);
                        * "" leaves the cell out for them. A text cell with no
                        * value is left out too, with its label. */
    const char *label; /* for people, before the value ("father:") */
    bool tight;        /* for people, one space before it instead of two */
    bool no_tsv;       /* for people only */
} pv_cli_cell;

void pv_cli_row(const pv_cli *cli, bool tsv, const pv_cli_cell *cells, size_t n);

/* Runs the full-screen interface (tui/app.c). */
int pv_tui_run(pv_cli *cli);

/* The whole program; main() only calls this. */
int pv_main(int argc, char **argv);

#endif
