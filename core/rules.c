/* parvande — the eligibility rule language (include/parvande/rules.h):
 * a recursive-descent parser that type-checks names against the fixed
 * whitelist and builds a small tree, and an evaluator that walks it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/rules.h"

/* ---- the whitelist ---------------------------------------------------- */

typedef enum kind { K_INT, K_BOOL, K_ENUM, K_TEXT, K_FACT } kind;

typedef enum field_id {
    F_AGE, F_GENDER, F_RELATION, F_AREA, F_DISABILITY, F_GUARDIANSHIP, F_JUDICIAL,
    F_PROVINCE, F_COUNTY, F_HAS_HOUSEHOLD, F_HOUSEHOLD_SIZE, F_FEMALE_HEAD,
    F_DAUGHTER_FEMALE_HEAD, F_HAS_FILE, F_FILE_ACTIVE, F_COVERED, F_ASSESSMENTS,
    F_ENR_EVER, F_ENR_YEAR, F_ENR_SEASON, F_ENR_MONTH,
    F_OPEN_REFERRALS, /* referrals */
    F__COUNT
} field_id;

static const char *const gender_values[] = {"unknown", "female", "male", NULL};
static const char *const relation_values[] = {"head", "spouse", "child", "parent",
                                              "sibling", "other", NULL};
static const char *const area_values[] = {"unknown", "urban", "rural", "informal", NULL};
static const char *const disability_values[] = {"none", "mild", "moderate", "severe",
                                                "very_severe", NULL};
static const char *const guardianship_values[] = {"none", "orphan", "poorly_supervised", NULL};

static const struct field_def {
    const char *name;
    kind k;
    const char *const *values; /* K_ENUM */
    unsigned uses;
} fields[F__COUNT] = {
    [F_AGE] = {"age", K_INT, NULL, PV_RULE_USES_AGE},
    [F_GENDER] = {"gender", K_ENUM, gender_values, 0},
    [F_RELATION] = {"relation", K_ENUM, relation_values, 0},
    [F_AREA] = {"area", K_ENUM, area_values, 0},
    [F_DISABILITY] = {"disability", K_ENUM, disability_values, 0},
    [F_GUARDIANSHIP] = {"guardianship", K_ENUM, guardianship_values, 0},
    [F_JUDICIAL] = {"judicial_order", K_BOOL, NULL, 0},
    [F_PROVINCE] = {"province", K_TEXT, NULL, 0},
    [F_COUNTY] = {"county", K_TEXT, NULL, 0},
    [F_HAS_HOUSEHOLD] = {"has_household", K_BOOL, NULL, 0},
    [F_HOUSEHOLD_SIZE] = {"household_size", K_INT, NULL, PV_RULE_USES_HOUSEHOLD},
    [F_FEMALE_HEAD] = {"is_female_head", K_BOOL, NULL, PV_RULE_USES_HOUSEHOLD},
    [F_DAUGHTER_FEMALE_HEAD] = {"is_daughter_of_female_head", K_BOOL, NULL,
                                PV_RULE_USES_HOUSEHOLD},
    [F_HAS_FILE] = {"has_file", K_BOOL, NULL, 0},
    [F_FILE_ACTIVE] = {"file_active", K_BOOL, NULL, 0},
    [F_COVERED] = {"covered", K_BOOL, NULL, 0},
    [F_ASSESSMENTS] = {"assessments", K_INT, NULL, PV_RULE_USES_ASSESSMENTS},
    [F_ENR_EVER] = {"enrolled_ever", K_INT, NULL, PV_RULE_USES_ENROLLMENTS},
    [F_ENR_YEAR] = {"enrolled_year", K_INT, NULL, PV_RULE_USES_ENROLLMENTS},
    [F_ENR_SEASON] = {"enrolled_season", K_INT, NULL, PV_RULE_USES_ENROLLMENTS},
    [F_ENR_MONTH] = {"enrolled_month", K_INT, NULL, PV_RULE_USES_ENROLLMENTS},
    /* referrals */
    [F_OPEN_REFERRALS] = {"open_referrals", K_INT, NULL, PV_RULE_USES_REFERRALS},
};

const char *const *pv_rule_names(void)
{
    static const char *names[F__COUNT + 1];
    if (!names[0])
        for (int i = 0; i < F__COUNT; i++)
            names[i] = fields[i].name;
    return names;
}

/* ---- the tree --------------------------------------------------------- */

typedef enum node_op {
    N_CONST, N_AND, N_OR, N_NOT, N_TEST, N_CMP, N_IN
} node_op;

typedef enum cmp_op { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE } cmp_op;

/* An operand: a fact of the whitelist, a recorded fact, or a literal. */
typedef struct operand {
    enum { O_FIELD, O_FACT, O_INT, O_TEXT, O_BOOL } type;
    field_id field;  /* O_FIELD */
    long i;          /* O_INT, O_BOOL; an enum literal's index */
    char *s;         /* O_TEXT literal, or O_FACT key; owned */
} operand;

typedef struct node {
    node_op op;
    int a, b;          /* children (N_AND, N_OR: a and b; N_NOT: a) */
    bool value;        /* N_CONST */
    cmp_op cmp;        /* N_CMP */
    bool negated;      /* N_IN: "not in" */
    operand lhs, rhs;  /* N_TEST, N_CMP: lhs (and rhs) */
    operand *list;     /* N_IN literals; owned */
    size_t n_list;
} node;

struct pv_rule {
    node *nodes;
    size_t n, cap;
    int root;
    unsigned uses;
    const char *keys[32]; /* fact keys read, pointing into operands */
    size_t n_keys;
};

/* ---- lexer ------------------------------------------------------------ */

typedef enum tok_type {
    T_END, T_NAME, T_NUM, T_STR, T_LP, T_RP, T_COMMA, T_OP, T_AND, T_OR, T_NOT, T_IN,
    T_TRUE, T_FALSE, T_BAD
} tok_type;

typedef struct token {
    tok_type t;
    const char *start;
    size_t len;
    cmp_op op;
} token;

typedef struct parser {
    const char *src;
    const char *p;
    token tok;
    pv_rule *r;
    pv_error *err;
    bool failed;
} parser;

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool word_is(const token *t, const char *w)
{
    return strlen(w) == t->len && memcmp(t->start, w, t->len) == 0;
}

static void lex_op(parser *ps, token *t)
{
    const char *p = ps->p;
    t->t = T_OP;
    if (p[0] == '=' && p[1] == '=') { t->op = C_EQ; t->len = 2; }
    else if (p[0] == '=') { t->op = C_EQ; t->len = 1; }
    else if (p[0] == '!' && p[1] == '=') { t->op = C_NE; t->len = 2; }
    else if (p[0] == '<' && p[1] == '>') { t->op = C_NE; t->len = 2; }
    else if (p[0] == '<' && p[1] == '=') { t->op = C_LE; t->len = 2; }
    else if (p[0] == '>' && p[1] == '=') { t->op = C_GE; t->len = 2; }
    else if (p[0] == '<') { t->op = C_LT; t->len = 1; }
    else if (p[0] == '>') { t->op = C_GT; t->len = 1; }
    else { t->t = T_BAD; t->len = 1; }
}

static void lex(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
    token *t = &ps->tok;
    const char *p = ps->p;
    t->start = p;
    t->len = 0;
    if (!*p) {
        t->t = T_END;
    } else if (is_alpha(*p)) {
        while (is_alpha(p[t->len]) || is_digit(p[t->len]) || p[t->len] == '.')
            t->len++;
        t->t = T_NAME;
        if (word_is(t, "and")) t->t = T_AND;
        else if (word_is(t, "or")) t->t = T_OR;
        else if (word_is(t, "not")) t->t = T_NOT;
        else if (word_is(t, "in")) t->t = T_IN;
        else if (word_is(t, "true")) t->t = T_TRUE;
        else if (word_is(t, "false")) t->t = T_FALSE;
    } else if (is_digit(*p) || (*p == '-' && is_digit(p[1]))) {
        t->len = 1;
        while (is_digit(p[t->len]))
            t->len++;
        t->t = T_NUM;
    } else if (*p == '\'' || *p == '"') {
        const char *q = strchr(p + 1, *p);
        if (!q) {
            t->t = T_BAD;
            t->len = strlen(p);
        } else {
            t->t = T_STR;
            t->len = (size_t)(q - p) + 1;
        }
    } else if (*p == '(') { t->t = T_LP; t->len = 1; }
    else if (*p == ')') { t->t = T_RP; t->len = 1; }
    else if (*p == ',') { t->t = T_COMMA; t->len = 1; }
    else lex_op(ps, t);
    ps->p += t->len;
}

/* ---- errors ----------------------------------------------------------- */

static void fail_at(parser *ps, const char *what)
{
    if (ps->failed)
        return;
    ps->failed = true;
    int col = (int)(ps->tok.start - ps->src) + 1;
    if (ps->tok.t == T_END)
        pv_error_set(ps->err, PV_EINVAL, "rule", _("%s at the end of the rule"), what);
    else
        pv_error_set(ps->err, PV_EINVAL, "rule", _("%s at “%.*s” (character %d)"), what,
                     (int)(ps->tok.len > 40 ? 40 : ps->tok.len), ps->tok.start, col);
}

static void fail_msg(parser *ps, char *msg)
{
    if (!ps->failed) {
        ps->failed = true;
        pv_error_set(ps->err, PV_EINVAL, "rule", "%s", msg ? msg : "?");
    }
    free(msg);
}

/* ---- tree building ---------------------------------------------------- */

static int new_node(parser *ps, node_op op)
{
    pv_rule *r = ps->r;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        node *nn = realloc(r->nodes, cap * sizeof *nn);
        if (!nn) {
            fail_msg(ps, strdup(_("out of memory")));
            return -1;
        }
        r->nodes = nn;
        r->cap = cap;
    }
    memset(&r->nodes[r->n], 0, sizeof r->nodes[r->n]);
    r->nodes[r->n].op = op;
    r->nodes[r->n].a = r->nodes[r->n].b = -1;
    return (int)r->n++;
}

static bool valid_fact_key(const char *k)
{
    if (!(*k >= 'a' && *k <= 'z'))
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || is_digit(*k) || *k == '_'))
            return false;
    return true;
}

static void note_key(pv_rule *r, const char *key)
{
    for (size_t i = 0; i < r->n_keys; i++)
        if (strcmp(r->keys[i], key) == 0)
            return;
    if (r->n_keys < sizeof r->keys / sizeof *r->keys)
        r->keys[r->n_keys++] = key;
}

/* Facts implied by records (groups, courses, inquiries, dated events on the
 * file; see the view rule_fact in core/sql_groups.c): FAMILY.KEY, read like
 * a recorded fact. Returns the KEY part, or NULL for another name. */
static const char *record_fact_key(const char *name)
{
    static const char *const families[] = {"group.", "event.", "inquiry.", "course.", NULL};
    for (int i = 0; families[i]; i++) {
        size_t n = strlen(families[i]);
        if (strncmp(name, families[i], n) == 0)
            return name + n;
    }
    return NULL;
}

/* Resolves a NAME token to an operand, refusing anything off the whitelist. */
static bool resolve_name(parser *ps, operand *o)
{
    const token *t = &ps->tok;
    char name[128];
    if (t->len >= sizeof name) {
        fail_at(ps, _("name too long"));
        return false;
    }
    memcpy(name, t->start, t->len);
    name[t->len] = '\0';
    const char *key = NULL;
    bool doc = false;
    if (strncmp(name, "fact.", 5) == 0)
        key = name + 5;
    else if (strncmp(name, "doc.", 4) == 0)
        key = name + 4, doc = true;
    else if ((key = record_fact_key(name)) != NULL)
        doc = true; /* stored under the whole name, like doc.KEY */
    if (key) {
        if (!valid_fact_key(key) || strlen(key) > 50) {
            fail_at(ps, _("a fact's name is lowercase letters, digits and _"));
            return false;
        }
        o->type = O_FACT;
        o->s = doc ? strdup(name) : strdup(key); /* "doc.identity" is stored under that key */
        if (!o->s) {
            fail_msg(ps, strdup(_("out of memory")));
            return false;
        }
        ps->r->uses |= PV_RULE_USES_FACTS;
        return true;
    }
    for (int i = 0; i < F__COUNT; i++)
        if (strcmp(fields[i].name, name) == 0) {
            o->type = O_FIELD;
            o->field = (field_id)i;
            ps->r->uses |= fields[i].uses;
            return true;
        }
    char *msg = NULL;
    if (asprintf(&msg, _("unknown name “%s”: a rule may only use the beneficiary's facts (%s)"),
                 name, "age, gender, covered, file_active, fact.KEY, doc.KEY, …") < 0)
        msg = NULL;
    fail_msg(ps, msg);
    return false;
}

static bool parse_literal(parser *ps, operand *o)
{
    const token *t = &ps->tok;
    switch (t->t) {
    case T_NUM: {
        char buf[24];
        if (t->len >= sizeof buf) {
            fail_at(ps, _("number too large"));
            return false;
        }
        memcpy(buf, t->start, t->len);
        buf[t->len] = '\0';
        o->type = O_INT;
        o->i = strtol(buf, NULL, 10);
        break;
    }
    case T_STR:
        o->type = O_TEXT;
        o->s = strndup(t->start + 1, t->len - 2);
        if (!o->s) {
            fail_msg(ps, strdup(_("out of memory")));
            return false;
        }
        break;
    case T_TRUE:
    case T_FALSE:
        o->type = O_BOOL;
        o->i = t->t == T_TRUE;
        break;
    default:
        fail_at(ps, _("expected a value"));
        return false;
    }
    lex(ps);
    return true;
}

static kind operand_kind(const operand *o)
{
    switch (o->type) {
    case O_FIELD: return fields[o->field].k;
    case O_FACT: return K_FACT;
    case O_INT: return K_INT;
    case O_BOOL: return K_BOOL;
    case O_TEXT: return K_TEXT;
    }
    return K_TEXT;
}

static int enum_index(const char *const *values, const char *s)
{
    for (int i = 0; values[i]; i++)
        if (strcmp(values[i], s) == 0)
            return i;
    return -1;
}

static char *join_values(const char *const *values)
{
    size_t len = 1;
    for (int i = 0; values[i]; i++)
        len += strlen(values[i]) + 2;
    char *s = calloc(1, len);
    if (!s)
        return NULL;
    for (int i = 0; values[i]; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, values[i]);
    }
    return s;
}

/* Type-checks `lit` against the fact `f` for comparison `op`, turning enum
 * words into their index. */
static bool check_pair(parser *ps, const operand *f, operand *lit, cmp_op op)
{
    if (f->type != O_FIELD && f->type != O_FACT) {
        fail_msg(ps, strdup(_("a comparison needs a fact of the beneficiary on its left")));
        return false;
    }
    bool ordering = op != C_EQ && op != C_NE;
    kind k = operand_kind(f);
    kind lk = operand_kind(lit);
    const char *name = f->type == O_FIELD ? fields[f->field].name : f->s;
    char *msg = NULL;
    if (lit->type == O_FIELD || lit->type == O_FACT) {
        fail_msg(ps, strdup(_("a fact can only be compared with a value")));
        return false;
    }
    switch (k) {
    case K_INT:
        if (lk == K_INT)
            return true;
        if (asprintf(&msg, _("%s is a number and must be compared with a number"), name) < 0)
            msg = NULL;
        break;
    case K_BOOL:
        if (!ordering && (lk == K_BOOL || (lk == K_INT && (lit->i == 0 || lit->i == 1))))
            return true;
        if (asprintf(&msg, _("%s is yes/no and can only be compared with true or false"),
                     name) < 0)
            msg = NULL;
        break;
    case K_ENUM: {
        int idx = lk == K_TEXT ? enum_index(fields[f->field].values, lit->s) : -1;
        if (idx >= 0 && !ordering) {
            free(lit->s);
            lit->s = NULL;
            lit->type = O_INT;
            lit->i = idx;
            return true;
        }
        char *vals = join_values(fields[f->field].values);
        if (asprintf(&msg, _("%s can only be compared for equality with one of: %s"), name,
                     vals ? vals : "?") < 0)
            msg = NULL;
        free(vals);
        break;
    }
    case K_TEXT:
        if (lk == K_TEXT && !ordering)
            return true;
        if (asprintf(&msg, _("%s is text and can only be compared for equality with text"),
                     name) < 0)
            msg = NULL;
        break;
    case K_FACT:
        if (lk == K_INT || (!ordering && (lk == K_TEXT || lk == K_BOOL)))
            return true;
        if (asprintf(&msg, _("fact.%s can only be ordered against a number"), name) < 0)
            msg = NULL;
        break;
    }
    fail_msg(ps, msg);
    return false;
}

static int parse_or(parser *ps);

static bool parse_operand(parser *ps, operand *o, int *sub)
{
    *sub = -1;
    if (ps->tok.t == T_NAME) {
        if (!resolve_name(ps, o))
            return false;
        lex(ps);
        return true;
    }
    if (ps->tok.t == T_LP) {
        lex(ps);
        *sub = parse_or(ps);
        if (*sub < 0)
            return false;
        if (ps->tok.t != T_RP) {
            fail_at(ps, _("expected “)”"));
            return false;
        }
        lex(ps);
        return true;
    }
    if (ps->tok.t == T_END || ps->tok.t == T_RP || ps->tok.t == T_AND || ps->tok.t == T_OR
        || ps->tok.t == T_OP || ps->tok.t == T_COMMA || ps->tok.t == T_BAD) {
        fail_at(ps, _("expected a fact or a value"));
        return false;
    }
    return parse_literal(ps, o);
}

static void operand_free(operand *o)
{
    free(o->s);
    o->s = NULL;
}

static int parse_in(parser *ps, operand *lhs, bool negated)
{
    lex(ps); /* "in" */
    if (ps->tok.t != T_LP) {
        fail_at(ps, _("expected “(” after in"));
        operand_free(lhs);
        return -1;
    }
    lex(ps);
    operand *list = NULL;
    size_t n = 0;
    for (;;) {
        operand lit = {0};
        operand *grown = realloc(list, (n + 1) * sizeof *list);
        if (!grown) {
            fail_msg(ps, strdup(_("out of memory")));
            break;
        }
        list = grown;
        if (!parse_literal(ps, &lit) || !check_pair(ps, lhs, &lit, C_EQ)) {
            operand_free(&lit);
            break;
        }
        list[n++] = lit;
        if (ps->tok.t == T_COMMA) {
            lex(ps);
            continue;
        }
        if (ps->tok.t == T_RP) {
            lex(ps);
            int id = new_node(ps, N_IN);
            if (id < 0)
                break;
            node *nd = &ps->r->nodes[id];
            nd->lhs = *lhs;
            nd->list = list;
            nd->n_list = n;
            nd->negated = negated;
            return id;
        }
        fail_at(ps, _("expected “,” or “)”"));
        break;
    }
    for (size_t i = 0; i < n; i++)
        operand_free(&list[i]);
    free(list);
    operand_free(lhs);
    return -1;
}

static int parse_cmp(parser *ps)
{
    operand lhs = {0};
    int sub;
    if (!parse_operand(ps, &lhs, &sub))
        return -1;
    if (sub >= 0)
        return sub; /* a parenthesised expression */
    if (ps->tok.t == T_IN || ps->tok.t == T_NOT) {
        bool negated = ps->tok.t == T_NOT;
        if (negated) {
            lex(ps);
            if (ps->tok.t != T_IN) {
                fail_at(ps, _("expected “in” after not"));
                operand_free(&lhs);
                return -1;
            }
        }
        if (lhs.type != O_FIELD && lhs.type != O_FACT) {
            fail_at(ps, _("“in” needs a fact of the beneficiary on its left"));
            operand_free(&lhs);
            return -1;
        }
        return parse_in(ps, &lhs, negated);
    }
    if (ps->tok.t == T_OP) {
        cmp_op op = ps->tok.op;
        lex(ps);
        operand rhs = {0};
        if (!parse_operand(ps, &rhs, &sub) || sub >= 0) {
            if (sub >= 0)
                fail_msg(ps, strdup(_("a comparison needs a value on its right, not an expression")));
            operand_free(&lhs);
            operand_free(&rhs);
            return -1;
        }
        if (!check_pair(ps, &lhs, &rhs, op)) {
            operand_free(&lhs);
            operand_free(&rhs);
            return -1;
        }
        int id = new_node(ps, N_CMP);
        if (id < 0) {
            operand_free(&lhs);
            operand_free(&rhs);
            return -1;
        }
        node *nd = &ps->r->nodes[id];
        nd->lhs = lhs;
        nd->rhs = rhs;
        nd->cmp = op;
        return id;
    }
    /* A bare operand: a yes/no test. */
    if (lhs.type == O_BOOL) {
        int id = new_node(ps, N_CONST);
        if (id >= 0)
            ps->r->nodes[id].value = lhs.i != 0;
        return id;
    }
    kind k = operand_kind(&lhs);
    if ((lhs.type != O_FIELD && lhs.type != O_FACT) || k == K_ENUM || k == K_TEXT) {
        char *msg = NULL;
        if (lhs.type == O_FIELD) {
            if (asprintf(&msg, _("%s is not a yes/no fact: compare it with a value"),
                         fields[lhs.field].name) < 0)
                msg = NULL;
        } else {
            msg = strdup(_("a value alone is not a condition"));
        }
        fail_msg(ps, msg);
        operand_free(&lhs);
        return -1;
    }
    int id = new_node(ps, N_TEST);
    if (id < 0) {
        operand_free(&lhs);
        return -1;
    }
    ps->r->nodes[id].lhs = lhs;
    return id;
}

static int parse_not(parser *ps)
{
    if (ps->tok.t == T_NOT) {
        lex(ps);
        int a = parse_not(ps);
        if (a < 0)
            return -1;
        int id = new_node(ps, N_NOT);
        if (id >= 0)
            ps->r->nodes[id].a = a;
        return id;
    }
    return parse_cmp(ps);
}

/* One left-associative level of "a OP b OP c": operands from `next`,
 * joined by the token `tok` into nodes `op` ("and" binds tighter than "or"
 * because parse_or's operands are parse_and's). */
static int parse_binary(parser *ps, int (*next)(parser *), tok_type tok, node_op op)
{
    int a = next(ps);
    while (a >= 0 && ps->tok.t == tok) {
        lex(ps);
        int b = next(ps);
        if (b < 0)
            return -1;
        int id = new_node(ps, op);
        if (id < 0)
            return -1;
        ps->r->nodes[id].a = a;
        ps->r->nodes[id].b = b;
        a = id;
    }
    return a;
}

static int parse_and(parser *ps)
{
    return parse_binary(ps, parse_not, T_AND, N_AND);
}

static int parse_or(parser *ps)
{
    return parse_binary(ps, parse_and, T_OR, N_OR);
}

void pv_rule_free(pv_rule *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        node *nd = &r->nodes[i];
        operand_free(&nd->lhs);
        operand_free(&nd->rhs);
        for (size_t j = 0; j < nd->n_list; j++)
            operand_free(&nd->list[j]);
        free(nd->list);
    }
    free(r->nodes);
    free(r);
}

static void collect_keys(pv_rule *r)
{
    r->n_keys = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->nodes[i].lhs.type == O_FACT && r->nodes[i].lhs.s)
            note_key(r, r->nodes[i].lhs.s);
}

pv_status pv_rule_compile(const char *src, pv_rule **out, pv_error *err)
{
    *out = NULL;
    if (!src)
        src = "";
    pv_rule *r = calloc(1, sizeof *r);
    if (!r)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    parser ps = {.src = src, .p = src, .r = r, .err = err};
    lex(&ps);
    if (ps.tok.t == T_END) {
        pv_rule_free(r);
        return pv_error_set(err, PV_EINVAL, "rule", "%s", _("the rule is empty"));
    }
    r->root = parse_or(&ps);
    if (r->root >= 0 && ps.tok.t != T_END)
        fail_at(&ps, ps.tok.t == T_BAD ? _("unexpected character") : _("unexpected text"));
    if (ps.failed || r->root < 0) {
        if (!ps.failed)
            pv_error_set(err, PV_EINVAL, "rule", "%s", _("malformed rule"));
        pv_rule_free(r);
        return PV_EINVAL;
    }
    collect_keys(r);
    *out = r;
    return PV_OK;
}

unsigned pv_rule_uses(const pv_rule *r) { return r ? r->uses : 0; }

size_t pv_rule_fact_keys(const pv_rule *r, const char **keys, size_t max)
{
    size_t n = 0;
    for (; r && n < r->n_keys && n < max; n++)
        keys[n] = r->keys[n];
    return n;
}

/* ---- evaluation ------------------------------------------------------- */

static long field_int(field_id id, const pv_rule_facts *f)
{
    switch (id) {
    case F_AGE: return f->age;
    case F_GENDER: return f->gender;
    case F_RELATION: return f->relation;
    case F_AREA: return f->area;
    case F_DISABILITY: return f->disability;
    case F_GUARDIANSHIP: return f->guardianship;
    case F_JUDICIAL: return f->judicial_order;
    case F_HAS_HOUSEHOLD: return f->has_household;
    case F_HOUSEHOLD_SIZE: return f->household_size;
    case F_FEMALE_HEAD: return f->is_female_head;
    case F_DAUGHTER_FEMALE_HEAD: return f->is_daughter_of_female_head;
    case F_HAS_FILE: return f->has_file;
    case F_FILE_ACTIVE: return f->file_active;
    case F_COVERED: return f->covered;
    case F_ASSESSMENTS: return f->assessments;
    case F_ENR_EVER: return f->enrolled_ever;
    case F_ENR_YEAR: return f->enrolled_year;
    case F_ENR_SEASON: return f->enrolled_season;
    case F_ENR_MONTH: return f->enrolled_month;
    case F_OPEN_REFERRALS: return f->open_referrals;
    default: return 0;
    }
}

static const char *field_text(field_id id, const pv_rule_facts *f)
{
    const char *s = id == F_PROVINCE ? f->province : id == F_COUNTY ? f->county : NULL;
    return s ? s : "";
}

static const char *fact_value(const operand *o, const pv_rule_facts *f)
{
    return f->fact ? f->fact(f->fact_user, o->s) : NULL;
}

static bool fact_truthy(const char *v)
{
    return v && *v && strcmp(v, "no") != 0 && strcmp(v, "0") != 0
           && strcmp(v, "false") != 0;
}

static bool cmp_long(long a, cmp_op op, long b)
{
    switch (op) {
    case C_EQ: return a == b;
    case C_NE: return a != b;
    case C_LT: return a < b;
    case C_LE: return a <= b;
    case C_GT: return a > b;
    case C_GE: return a >= b;
    }
    return false;
}

static bool parse_long(const char *s, long *out)
{
    char *end;
    if (!s || !*s)
        return false;
    *out = strtol(s, &end, 10);
    return *end == '\0';
}

static bool eval_cmp(const operand *l, cmp_op op, const operand *r, const pv_rule_facts *f)
{
    if (l->type == O_FACT) {
        const char *v = fact_value(l, f);
        if (r->type == O_BOOL)
            return cmp_long(fact_truthy(v), op, r->i);
        if (!v)
            return op == C_NE; /* an absent fact equals nothing */
        if (r->type == O_INT) {
            long x;
            if (!parse_long(v, &x))
                return op == C_NE;
            return cmp_long(x, op, r->i);
        }
        return cmp_long(strcmp(v, r->s) == 0 ? 0 : 1, op, 0);
    }
    if (fields[l->field].k == K_TEXT)
        return cmp_long(strcmp(field_text(l->field, f), r->s) == 0 ? 0 : 1, op, 0);
    return cmp_long(field_int(l->field, f), op, r->i);
}

static bool eval_node(const pv_rule *r, int id, const pv_rule_facts *f)
{
    const node *nd = &r->nodes[id];
    switch (nd->op) {
    case N_CONST: return nd->value;
    case N_AND: return eval_node(r, nd->a, f) && eval_node(r, nd->b, f);
    case N_OR: return eval_node(r, nd->a, f) || eval_node(r, nd->b, f);
    case N_NOT: return !eval_node(r, nd->a, f);
    case N_TEST:
        if (nd->lhs.type == O_FACT)
            return fact_truthy(fact_value(&nd->lhs, f));
        return field_int(nd->lhs.field, f) != 0;
    case N_CMP: return eval_cmp(&nd->lhs, nd->cmp, &nd->rhs, f);
    case N_IN:
        for (size_t i = 0; i < nd->n_list; i++)
            if (eval_cmp(&nd->lhs, C_EQ, &nd->list[i], f))
                return !nd->negated;
        return nd->negated;
    }
    return false;
}

bool pv_rule_eval(const pv_rule *r, const pv_rule_facts *f)
{
    return r && r->root >= 0 && eval_node(r, r->root, f);
}
