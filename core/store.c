/* parvande — storing and loading beneficiary files: persons, households,
 * case files, assessments, history, duplicates and derived facts.
 *
 * Every function asks pv_authz_check first. Reads are confined to the
 * actor's branch unless pv_authz_all_branches(): a record of another branch
 * is reported as not found, so its existence does not leak. Statements are
 * prepared once per context (pv_stmt); the insert path does no SELECT but
 * the household's branch (cached) so a bulk import inside one transaction
 * stays fast. Updates that change nothing are not written, so history holds
 * only real versions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "parvande/records.h"
#include "parvande/text.h"

#define PERSON_COLS                                                                      \
    "id, household_id, relation, national_id, first_name, last_name, father_name, gender, " \
    "birth_date, phone, province, county, address, area, disability, guardianship, "        \
    "judicial_order, branch_code"
#define CASEFILE_COLS \
    "id, household_id, branch_code, status, covered, opened_on, closed_on, caseworker"

static const char SQL_PERSON_INSERT[] =
    "INSERT INTO person (id, household_id, relation, national_id, first_name, last_name,"
    " father_name, gender, birth_date, phone, province, county, address, area, disability,"
    " guardianship, judicial_order, branch_code, fold_first, fold_last, fold_father,"
    " created_by, updated_by, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22, ?22, ?23, ?23)";
static const char SQL_PERSON_UPDATE[] =
    "UPDATE person SET household_id = ?2, relation = ?3, national_id = ?4, first_name = ?5,"
    " last_name = ?6, father_name = ?7, gender = ?8, birth_date = ?9, phone = ?10,"
    " province = ?11, county = ?12, address = ?13, area = ?14, disability = ?15,"
    " guardianship = ?16, judicial_order = ?17, branch_code = ?18, fold_first = ?19,"
    " fold_last = ?20, fold_father = ?21, updated_by = ?22, updated_at = ?23"
    " WHERE id = ?1";
/* The same update when the row keeps every value an index of the person
 * table is built on (national ID, household, branch, the folded names):
 * only the other columns are set, so SQLite rewrites no index entry (an
 * UPDATE maintains the indexes of the columns it sets, changed or not: an
 * address change rewrote six index entries). The WHERE checks those values
 * as stored; when one differs nothing is written and the full update runs. */
static const char SQL_PERSON_UPDATE_DETAILS[] =
    "UPDATE person SET relation = ?3, gender = ?8, birth_date = ?9, phone = ?10,"
    " province = ?11, county = ?12, address = ?13, area = ?14, disability = ?15,"
    " guardianship = ?16, judicial_order = ?17, updated_by = ?22, updated_at = ?23"
    " WHERE id = ?1 AND household_id IS ?2 AND national_id = ?4 AND first_name = ?5"
    " AND last_name = ?6 AND father_name = ?7 AND branch_code = ?18 AND fold_first = ?19"
    " AND fold_last = ?20 AND fold_father = ?21";
static const char SQL_PERSON_BY_ID[] = "SELECT " PERSON_COLS " FROM person WHERE id = ?1";
static const char SQL_PERSON_BY_NATID[] =
    "SELECT " PERSON_COLS " FROM person WHERE national_id = ?1";
static const char SQL_HOUSEHOLD_BRANCH[] = "SELECT branch_code FROM household WHERE id = ?1";
static const char SQL_HOUSEHOLD_INSERT[] =
    "INSERT INTO household (id, branch_code, external_key, created_by, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_HOUSEHOLD_DELETE[] = "DELETE FROM household WHERE id = ?1";
static const char SQL_HOUSEHOLD_BY_KEY[] =
    "SELECT id FROM household WHERE branch_code = ?1 AND external_key = ?2";
static const char SQL_HOUSEHOLD_KEY[] = "SELECT external_key FROM household WHERE id = ?1";
static const char SQL_CASEFILE_INSERT[] =
    "INSERT INTO casefile (id, household_id, branch_code, status, covered, opened_on,"
    " closed_on, caseworker, created_by, updated_by, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?10)";
static const char SQL_CASEFILE_UPDATE[] =
    "UPDATE casefile SET branch_code = ?3, status = ?4, covered = ?5, opened_on = ?6,"
    " closed_on = ?7, caseworker = ?8, updated_by = ?9, updated_at = ?10 WHERE id = ?1";
static const char SQL_CASEFILE_BY_ID[] = "SELECT " CASEFILE_COLS " FROM casefile WHERE id = ?1";
static const char SQL_CASEFILE_BY_HOUSEHOLD[] =
    "SELECT " CASEFILE_COLS " FROM casefile WHERE household_id = ?1";
static const char SQL_ASSESSMENT_INSERT[] =
    "INSERT INTO assessment (id, file_id, date, author, text, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_ASSESSMENTS[] =
    "SELECT id, file_id, date, author, text FROM assessment WHERE file_id = ?1"
    " ORDER BY date, id";
static const char SQL_MEMBERS[] =
    "SELECT " PERSON_COLS " FROM person WHERE household_id = ?1 ORDER BY"
    " CASE relation WHEN 'head' THEN 0 WHEN 'spouse' THEN 1 WHEN 'child' THEN 2"
    " WHEN 'parent' THEN 3 WHEN 'sibling' THEN 4 ELSE 5 END, birth_date, id";
static const char SQL_HISTORY[] =
    "SELECT " PERSON_COLS ", updated_at, updated_by FROM person_history WHERE id = ?1"
    " ORDER BY hist_id";
static const char SQL_CURRENT_STAMP[] =
    "SELECT updated_at, updated_by FROM person WHERE id = ?1";
static const char SQL_DUPLICATES[] =
    "SELECT " PERSON_COLS " FROM person WHERE national_id = ?1 AND id <> ?2"
    " AND (?7 = 0 OR branch_code = ?7)"
    " UNION "
    "SELECT " PERSON_COLS " FROM person WHERE fold_last = ?3 AND fold_first = ?4"
    " AND fold_father = ?5 AND birth_date = ?6 AND ?6 <> '' AND id <> ?2"
    " AND (?7 = 0 OR branch_code = ?7)"
    " ORDER BY id LIMIT 100";

const char *const pv_sql_person_insert = SQL_PERSON_INSERT;
const char *const pv_sql_household_insert = SQL_HOUSEHOLD_INSERT;
const char *const pv_sql_casefile_insert = SQL_CASEFILE_INSERT;

/* ---- small helpers ---- */

static pv_status failed(pv_error *err)
{
    return err && err->status != PV_OK ? err->status : PV_EFAIL;
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Reads PERSON_COLS starting at column 0; *branch may be NULL. */
static void read_person(sqlite3_stmt *st, pv_person *p, int64_t *branch)
{
    char code[32];
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    p->household_id = sqlite3_column_int64(st, 1);
    col_text(st, 2, code, sizeof code);
    p->relation = (pv_relation)pv_enum_from_code(PV_ENUM_RELATION, code);
    col_text(st, 3, p->national_id, sizeof p->national_id);
    col_text(st, 4, p->first_name, sizeof p->first_name);
    col_text(st, 5, p->last_name, sizeof p->last_name);
    col_text(st, 6, p->father_name, sizeof p->father_name);
    col_text(st, 7, code, sizeof code);
    p->gender = (pv_gender)pv_enum_from_code(PV_ENUM_GENDER, code);
    col_text(st, 8, p->birth_date, sizeof p->birth_date);
    col_text(st, 9, p->phone, sizeof p->phone);
    col_text(st, 10, p->province, sizeof p->province);
    col_text(st, 11, p->county, sizeof p->county);
    col_text(st, 12, p->address, sizeof p->address);
    col_text(st, 13, code, sizeof code);
    p->area = (pv_area)pv_enum_from_code(PV_ENUM_AREA, code);
    col_text(st, 14, code, sizeof code);
    p->disability = (pv_disability)pv_enum_from_code(PV_ENUM_DISABILITY, code);
    col_text(st, 15, code, sizeof code);
    p->guardianship = (pv_guardianship)pv_enum_from_code(PV_ENUM_GUARDIANSHIP, code);
    p->judicial_order = sqlite3_column_int(st, 16) != 0;
    if (branch)
        *branch = sqlite3_column_int64(st, 17);
}

static void read_casefile(sqlite3_stmt *st, pv_casefile *f)
{
    char code[32];
    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    f->household_id = sqlite3_column_int64(st, 1);
    f->branch_code = sqlite3_column_int64(st, 2);
    col_text(st, 3, code, sizeof code);
    f->status = (pv_file_status)pv_enum_from_code(PV_ENUM_FILE_STATUS, code);
    f->covered = sqlite3_column_int(st, 4) != 0;
    col_text(st, 5, f->opened_on, sizeof f->opened_on);
    col_text(st, 6, f->closed_on, sizeof f->closed_on);
    col_text(st, 7, f->caseworker, sizeof f->caseworker);
}

/* May the actor see a record of this branch? */
static bool visible(const pv_ctx *ctx, int64_t branch)
{
    return pv_authz_all_branches(ctx) || branch == pv_ctx_actor(ctx)->branch_code;
}

static bool person_equal(const pv_person *a, const pv_person *b)
{
    return a->household_id == b->household_id && a->relation == b->relation &&
           strcmp(a->national_id, b->national_id) == 0 &&
           strcmp(a->first_name, b->first_name) == 0 &&
           strcmp(a->last_name, b->last_name) == 0 &&
           strcmp(a->father_name, b->father_name) == 0 && a->gender == b->gender &&
           strcmp(a->birth_date, b->birth_date) == 0 && strcmp(a->phone, b->phone) == 0 &&
           strcmp(a->province, b->province) == 0 && strcmp(a->county, b->county) == 0 &&
           strcmp(a->address, b->address) == 0 && a->area == b->area &&
           a->disability == b->disability && a->guardianship == b->guardianship &&
           a->judicial_order == b->judicial_order;
}

/* A national ID typed with any digits and separators, as ten ASCII digits. */
static pv_status natid_key(const char *text, char out[PV_NATID_SZ], pv_error *err)
{
    if (!text || !pv_digits_ascii(text, true, out, PV_NATID_SZ) || strlen(out) != 10)
        return pv_error_field(err, "national_id", _("must have 10 digits"));
    return PV_OK;
}

/* The branch of a household; the last answer is kept because an importer
 * saves the members of one household one after another. */
static pv_status household_branch(pv_ctx *ctx, pv_id hh, int64_t *branch, pv_error *err)
{
    if (ctx->hh_cache_id == hh && hh != 0) {
        *branch = ctx->hh_cache_branch;
        return PV_OK;
    }
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_HOUSEHOLD_BRANCH, &st, err) != PV_OK)
        return failed(err);
    sqlite3_bind_int64(st, 1, hh);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *branch = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_field(err, "household", _("no such household"));
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    ctx->hh_cache_id = hh;
    ctx->hh_cache_branch = *branch;
    return PV_OK;
}

/* Maps a failed write to a status: a used national ID is a conflict, a
 * missing household is not found. */
pv_status pv_store_write_error(pv_ctx *ctx, int rc, pv_error *err)
{
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        if (strstr(sqlite3_errmsg(ctx->db), "national_id"))
            return pv_error_set(err, PV_ECONFLICT, "national_id", _("%s: %s"),
                                pv_field_label("national_id"),
                                _("is already recorded for another person"));
        if (strstr(sqlite3_errmsg(ctx->db), "external_key"))
            return pv_error_set(err, PV_ECONFLICT, "household", _("%s: %s"),
                                pv_field_label("household"), _("this key is already in use"));
        if (strstr(sqlite3_errmsg(ctx->db), "casefile.household_id"))
            return pv_error_set(err, PV_ECONFLICT, "household", _("%s: %s"),
                                pv_field_label("household"), _("already has a case file"));
    }
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return pv_error_set(err, PV_ENOTFOUND, "household", _("%s: %s"),
                            pv_field_label("household"), _("no such household"));
    return pv_db_error(ctx, err);
}

/* Outside a transaction, an insert takes the write lock first, so the id
 * pv_next_id reads is still free when the row goes in although another
 * program may be writing the same file; inside one (a bulk import) the
 * caller holds the lock already and nothing is added. */
static pv_status insert_begin(pv_ctx *ctx, bool *own, pv_error *err)
{
    *own = sqlite3_get_autocommit(ctx->db);
    return *own ? pv_tx_begin(ctx, err) : PV_OK;
}

static pv_status insert_end(pv_ctx *ctx, bool own, pv_status rc, pv_error *err)
{
    if (!own)
        return rc;
    if (rc == PV_OK)
        rc = pv_tx_commit(ctx, err);
    if (rc != PV_OK)
        pv_tx_rollback(ctx);
    return rc;
}

/* ---- persons ---- */

void pv_person_folds_of(const pv_person *p, pv_person_folds *out)
{
    pv_text_fold(p->first_name, out->first, sizeof out->first);
    pv_text_fold(p->last_name, out->last, sizeof out->last);
    pv_text_fold(p->father_name, out->father, sizeof out->father);
}

void pv_person_bind(sqlite3_stmt *st, int base, const pv_person *p, const pv_person_folds *f,
                    int64_t branch, const char *actor, const char *stamp)
{
    sqlite3_bind_int64(st, base + 1, p->id);
    if (p->household_id)
        sqlite3_bind_int64(st, base + 2, p->household_id);
    bind_text(st, base + 3, pv_relation_code(p->relation));
    bind_text(st, base + 4, p->national_id);
    bind_text(st, base + 5, p->first_name);
    bind_text(st, base + 6, p->last_name);
    bind_text(st, base + 7, p->father_name);
    bind_text(st, base + 8, pv_gender_code(p->gender));
    bind_text(st, base + 9, p->birth_date);
    bind_text(st, base + 10, p->phone);
    bind_text(st, base + 11, p->province);
    bind_text(st, base + 12, p->county);
    bind_text(st, base + 13, p->address);
    bind_text(st, base + 14, pv_area_code(p->area));
    bind_text(st, base + 15, pv_disability_code(p->disability));
    bind_text(st, base + 16, pv_guardianship_code(p->guardianship));
    sqlite3_bind_int(st, base + 17, p->judicial_order ? 1 : 0);
    sqlite3_bind_int64(st, base + 18, branch);
    bind_text(st, base + 19, f->first);
    bind_text(st, base + 20, f->last);
    bind_text(st, base + 21, f->father);
    bind_text(st, base + 22, actor);
    bind_text(st, base + 23, stamp);
}

/* Runs one of the person statements; *changes (may be NULL) gets the rows
 * it wrote. */
static pv_status person_write_n(pv_ctx *ctx, const char *sql, const pv_person *p,
                                int64_t branch, int *changes, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, sql, &st, err) != PV_OK)
        return failed(err);
    char stamp[32];
    pv_now_stamp(stamp);
    pv_person_folds folds;
    pv_person_folds_of(p, &folds);
    pv_person_bind(st, 0, p, &folds, branch, pv_ctx_actor(ctx)->name, stamp);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        rc = sqlite3_extended_errcode(ctx->db);
    else if (changes)
        *changes = sqlite3_changes(ctx->db);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_store_write_error(ctx, rc, err);
}

static pv_status person_write(pv_ctx *ctx, const char *sql, const pv_person *p, int64_t branch,
                              pv_error *err)
{
    return person_write_n(ctx, sql, p, branch, NULL, err);
}

/* An update of a stored person: the columns outside every index when the
 * indexed ones stay as they are, else the whole row. */
static pv_status person_update(pv_ctx *ctx, const pv_person *p, int64_t branch, pv_error *err)
{
    int changes = 0;
    pv_status rc = person_write_n(ctx, SQL_PERSON_UPDATE_DETAILS, p, branch, &changes, err);
    if (rc != PV_OK || changes == 1)
        return rc;
    return person_write(ctx, SQL_PERSON_UPDATE, p, branch, err);
}

static pv_status person_load_by_id(pv_ctx *ctx, pv_id id, pv_person *out, int64_t *branch,
                                   pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_PERSON_BY_ID, &st, err) != PV_OK)
        return failed(err);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_person(st, out, branch);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, NULL, "%s", _("No such person."));
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_person_save(pv_ctx *ctx, pv_person *p, pv_error *err)
{
    pv_status rc = pv_person_validate(p, err);
    if (rc != PV_OK)
        return rc;
    int64_t branch = pv_ctx_branch(ctx);
    if (p->household_id && (rc = household_branch(ctx, p->household_id, &branch, err)) != PV_OK)
        return rc;
    if ((rc = pv_authz_check(ctx, PV_ACT_FILE_WRITE, branch, err)) != PV_OK)
        return rc;
    if (p->id == 0) {
        bool own;
        pv_id id = 0;
        if ((rc = insert_begin(ctx, &own, err)) != PV_OK)
            return rc;
        if ((rc = pv_next_id(ctx, "person", &id, err)) == PV_OK) {
            pv_person n = *p;
            n.id = id;
            rc = person_write(ctx, SQL_PERSON_INSERT, &n, branch, err);
        }
        if ((rc = insert_end(ctx, own, rc, err)) == PV_OK)
            p->id = id;
        return rc;
    }
    pv_person old;
    int64_t old_branch;
    if ((rc = person_load_by_id(ctx, p->id, &old, &old_branch, err)) != PV_OK)
        return rc;
    if ((rc = pv_authz_check(ctx, PV_ACT_FILE_WRITE, old_branch, err)) != PV_OK)
        return rc;
    if (person_equal(&old, p) && old_branch == branch)
        return PV_OK; /* nothing changed: no new version */
    return person_update(ctx, p, branch, err);
}

pv_status pv_person_find(pv_ctx *ctx, const char *national_id, pv_person *out, pv_error *err)
{
    char key[PV_NATID_SZ];
    pv_status rc = pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err);
    if (rc != PV_OK || (rc = natid_key(national_id, key, err)) != PV_OK)
        return rc;
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_PERSON_BY_NATID, &st, err) != PV_OK)
        return failed(err);
    bind_text(st, 1, key);
    int s = sqlite3_step(st);
    int64_t branch = 0;
    pv_person found;
    if (s == SQLITE_ROW)
        read_person(st, &found, &branch);
    sqlite3_reset(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (s == SQLITE_DONE || !visible(ctx, branch))
        return pv_error_set(err, PV_ENOTFOUND, "national_id",
                            _("No file with national ID %s."), key);
    *out = found;
    return PV_OK;
}

/* ---- households and case files ---- */

void pv_casefile_bind(sqlite3_stmt *st, int base, const pv_casefile *f, const char *actor,
                      const char *stamp)
{
    sqlite3_bind_int64(st, base + 1, f->id);
    sqlite3_bind_int64(st, base + 2, f->household_id);
    sqlite3_bind_int64(st, base + 3, f->branch_code);
    bind_text(st, base + 4, pv_file_status_code(f->status));
    sqlite3_bind_int(st, base + 5, f->covered ? 1 : 0);
    bind_text(st, base + 6, f->opened_on);
    bind_text(st, base + 7, f->closed_on);
    bind_text(st, base + 8, f->caseworker);
    bind_text(st, base + 9, actor);
    bind_text(st, base + 10, stamp);
}

/* Inserts or updates a case file, stamped with the actor and the time:
 * SQL_CASEFILE_INSERT and SQL_CASEFILE_UPDATE number their parameters
 * alike (the update has no use for ?2, the household). */
static pv_status casefile_write(pv_ctx *ctx, const char *sql, const pv_casefile *f,
                                pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, sql, &st, err) != PV_OK)
        return failed(err);
    char stamp[32];
    pv_now_stamp(stamp);
    pv_casefile_bind(st, 0, f, pv_ctx_actor(ctx)->name, stamp);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        rc = sqlite3_extended_errcode(ctx->db);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_store_write_error(ctx, rc, err);
}

static pv_status casefile_insert(pv_ctx *ctx, const pv_casefile *f, pv_error *err)
{
    return casefile_write(ctx, SQL_CASEFILE_INSERT, f, err);
}

void pv_household_bind(sqlite3_stmt *st, int base, pv_id id, int64_t branch, const char *key,
                       const char *actor, const char *stamp)
{
    sqlite3_bind_int64(st, base + 1, id);
    sqlite3_bind_int64(st, base + 2, branch);
    if (*key)
        bind_text(st, base + 3, key);
    bind_text(st, base + 4, actor);
    bind_text(st, base + 5, stamp);
}

static pv_status household_insert(pv_ctx *ctx, pv_id id, const char *key, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_HOUSEHOLD_INSERT, &st, err) != PV_OK)
        return failed(err);
    char stamp[32];
    pv_now_stamp(stamp);
    pv_household_bind(st, 0, id, pv_ctx_branch(ctx), key, pv_ctx_actor(ctx)->name, stamp);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        rc = sqlite3_extended_errcode(ctx->db);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_store_write_error(ctx, rc, err);
}

static void household_delete(pv_ctx *ctx, pv_id id)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_HOUSEHOLD_DELETE, &st, NULL) != PV_OK)
        return;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_step(st);
    sqlite3_reset(st);
}


/* A household and its case file, `f` holding the file's first values. */
static pv_status household_create(pv_ctx *ctx, const char *external_key, pv_casefile *f,
                                  pv_id *out, pv_error *err)
{
    char key[64];
    pv_status rc = pv_authz_check(ctx, PV_ACT_FILE_WRITE, pv_ctx_branch(ctx), err);
    if (rc != PV_OK)
        return rc;
    if (f->status == PV_FILE_CLOSED &&
        (rc = pv_authz_check(ctx, PV_ACT_FILE_CLOSE, pv_ctx_branch(ctx), err)) != PV_OK)
        return rc;
    if ((rc = pv_text_normalize(external_key ? external_key : "", PV_TEXT_LINE, "household",
                                key, sizeof key, err)) != PV_OK)
        return rc;
    f->branch_code = pv_ctx_branch(ctx);
    if ((rc = pv_casefile_check(f, err)) != PV_OK)
        return rc;
    /* Household and case file together or not at all. Inside the caller's
     * transaction (a bulk import) a failed second insert is undone by hand:
     * a SAVEPOINT per household would cost an import a fifth of its speed. */
    bool own_tx;
    if ((rc = insert_begin(ctx, &own_tx, err)) != PV_OK)
        return rc;
    pv_id hh = 0;
    rc = pv_next_id(ctx, "household", &hh, err);
    if (rc == PV_OK)
        rc = household_insert(ctx, hh, key, err);
    if (rc == PV_OK && (rc = pv_next_id(ctx, "casefile", &f->id, err)) == PV_OK) {
        f->household_id = hh;
        if ((rc = casefile_insert(ctx, f, err)) != PV_OK && !own_tx)
            household_delete(ctx, hh);
    }
    if ((rc = insert_end(ctx, own_tx, rc, err)) != PV_OK)
        return rc;
    ctx->hh_cache_id = hh;
    ctx->hh_cache_branch = f->branch_code;
    *out = hh;
    return PV_OK;
}

pv_status pv_household_create(pv_ctx *ctx, const char *external_key, pv_id *out,
                              pv_error *err)
{
    pv_casefile f = {.status = PV_FILE_ACTIVE};
    if (pv_ctx_actor(ctx)->role == PV_ROLE_CASEWORKER)
        snprintf(f.caseworker, sizeof f.caseworker, "%s", pv_ctx_actor(ctx)->name);
    return household_create(ctx, external_key, &f, out, err);
}

pv_status pv_household_create_with_file(pv_ctx *ctx, const char *external_key,
                                        pv_casefile *file, pv_id *out, pv_error *err)
{
    pv_casefile f = *file;
    f.id = 0;
    pv_status rc = household_create(ctx, external_key, &f, out, err);
    if (rc == PV_OK)
        *file = f;
    return rc;
}

pv_status pv_household_find(pv_ctx *ctx, const char *external_key, pv_id *out,
                            pv_error *err)
{
    char key[64];
    pv_status rc = pv_authz_check(ctx, PV_ACT_FILE_READ, pv_ctx_branch(ctx), err);
    if (rc != PV_OK)
        return rc;
    if ((rc = pv_text_normalize(external_key ? external_key : "", PV_TEXT_LINE, "household",
                                key, sizeof key, err)) != PV_OK)
        return rc;
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_HOUSEHOLD_BY_KEY, &st, err) != PV_OK)
        return failed(err);
    sqlite3_bind_int64(st, 1, pv_ctx_branch(ctx));
    bind_text(st, 2, key);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (s == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "household", _("%s: %s"),
                            pv_field_label("household"), _("no such household"));
    return s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

static pv_status casefile_load(pv_ctx *ctx, const char *sql, pv_id key, pv_casefile *out,
                               pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, sql, &st, err) != PV_OK)
        return failed(err);
    sqlite3_bind_int64(st, 1, key);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        read_casefile(st, out);
    sqlite3_reset(st);
    if (s == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, NULL, "%s", _("No such case file."));
    return s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_casefile_find(pv_ctx *ctx, pv_id household_id, pv_casefile *out, pv_error *err)
{
    pv_casefile f;
    pv_status rc = pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err);
    if (rc == PV_OK)
        rc = casefile_load(ctx, SQL_CASEFILE_BY_HOUSEHOLD, household_id, &f, err);
    if (rc != PV_OK)
        return rc;
    if (!visible(ctx, f.branch_code))
        return pv_error_set(err, PV_ENOTFOUND, NULL, "%s", _("No such case file."));
    *out = f;
    return PV_OK;
}

/* Dates a case file must have: opened (today by default), closed exactly
 * when closed. Fills defaults in `f`. */
pv_status pv_casefile_check(pv_casefile *f, pv_error *err)
{
    pv_date d;
    if (!f->opened_on[0])
        pv_today(f->opened_on);
    if (!pv_iso_parse(f->opened_on, &d))
        return pv_error_field(err, "date", _("is not a valid date"));
    if (f->status == PV_FILE_CLOSED && !f->closed_on[0])
        pv_today(f->closed_on);
    if (f->status == PV_FILE_ACTIVE)
        f->closed_on[0] = '\0';
    if (f->closed_on[0] && !pv_iso_parse(f->closed_on, &d))
        return pv_error_field(err, "date", _("is not a valid date"));
    if (f->closed_on[0] && strcmp(f->closed_on, f->opened_on) < 0)
        return pv_error_field(err, "date", _("a file cannot close before it opened"));
    if ((unsigned)f->status > PV_FILE_CLOSED)
        return pv_error_set(err, PV_EUSAGE, NULL, "pv_casefile_save: bad status");
    return PV_OK;
}

static pv_status casefile_update(pv_ctx *ctx, const pv_casefile *f, pv_error *err)
{
    return casefile_write(ctx, SQL_CASEFILE_UPDATE, f, err);
}

static bool casefile_equal(const pv_casefile *a, const pv_casefile *b)
{
    return a->branch_code == b->branch_code && a->status == b->status &&
           a->covered == b->covered && strcmp(a->opened_on, b->opened_on) == 0 &&
           strcmp(a->closed_on, b->closed_on) == 0 && strcmp(a->caseworker, b->caseworker) == 0;
}

pv_status pv_casefile_save(pv_ctx *ctx, pv_casefile *f, pv_error *err)
{
    pv_casefile n = *f;
    pv_status rc = pv_casefile_check(&n, err);
    if (rc != PV_OK)
        return rc;
    if (n.id == 0) {
        if ((rc = household_branch(ctx, n.household_id, &n.branch_code, err)) != PV_OK ||
            (rc = pv_authz_check(ctx, PV_ACT_FILE_WRITE, n.branch_code, err)) != PV_OK ||
            (n.status == PV_FILE_CLOSED &&
             (rc = pv_authz_check(ctx, PV_ACT_FILE_CLOSE, n.branch_code, err)) != PV_OK))
            return rc;
        bool own;
        if ((rc = insert_begin(ctx, &own, err)) != PV_OK)
            return rc;
        if ((rc = pv_next_id(ctx, "casefile", &n.id, err)) == PV_OK)
            rc = casefile_insert(ctx, &n, err);
        if ((rc = insert_end(ctx, own, rc, err)) == PV_OK)
            *f = n;
        return rc;
    }
    pv_casefile old;
    if ((rc = casefile_load(ctx, SQL_CASEFILE_BY_ID, n.id, &old, err)) != PV_OK)
        return rc;
    n.household_id = old.household_id;
    if (n.branch_code == 0)
        n.branch_code = old.branch_code;
    /* writing needs both branches: a caseworker cannot move a file away */
    if ((rc = pv_authz_check(ctx, PV_ACT_FILE_WRITE, old.branch_code, err)) != PV_OK ||
        (rc = pv_authz_check(ctx, PV_ACT_FILE_WRITE, n.branch_code, err)) != PV_OK)
        return rc;
    if (old.status == PV_FILE_ACTIVE && n.status == PV_FILE_CLOSED &&
        (rc = pv_authz_check(ctx, PV_ACT_FILE_CLOSE, old.branch_code, err)) != PV_OK)
        return rc;
    if (!casefile_equal(&old, &n) && (rc = casefile_update(ctx, &n, err)) != PV_OK)
        return rc;
    ctx->hh_cache_id = 0; /* the household may have moved with its file */
    *f = n;
    return PV_OK;
}

pv_status pv_assessment_add(pv_ctx *ctx, pv_id file_id, const char *date_iso,
                            const char *text, pv_error *err)
{
    pv_casefile f;
    pv_status rc = casefile_load(ctx, SQL_CASEFILE_BY_ID, file_id, &f, err);
    if (rc != PV_OK || (rc = pv_authz_check(ctx, PV_ACT_FILE_WRITE, f.branch_code, err)) != PV_OK)
        return rc;
    char date[PV_DATE_SZ], today[PV_DATE_SZ];
    pv_date d;
    pv_today(today);
    snprintf(date, sizeof date, "%s", date_iso && *date_iso ? date_iso : today);
    if (!pv_iso_parse(date, &d))
        return pv_error_field(err, "date", _("is not a valid date"));
    if (strcmp(date, today) > 0)
        return pv_error_field(err, "date", _("is in the future"));
    size_t size = (size_t)PV_NOTE_CHARS * 4 + 1;
    char *note = malloc(size);
    if (!note)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    rc = pv_text_normalize(text ? text : "", PV_TEXT_NOTE, "assessment", note, size, err);
    if (rc == PV_OK && !note[0])
        rc = pv_error_field(err, "assessment", _("is required"));
    pv_id id = 0;
    bool own = false;
    if (rc == PV_OK && (rc = insert_begin(ctx, &own, err)) != PV_OK) {
        free(note);
        return rc;
    }
    if (rc == PV_OK)
        rc = pv_next_id(ctx, "assessment", &id, err);
    sqlite3_stmt *st;
    if (rc == PV_OK && (rc = pv_stmt(ctx, SQL_ASSESSMENT_INSERT, &st, err)) == PV_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, file_id);
        bind_text(st, 3, date);
        bind_text(st, 4, pv_ctx_actor(ctx)->name);
        bind_text(st, 5, note);
        char stamp[32];
        pv_now_stamp(stamp);
        bind_text(st, 6, stamp);
        int s = sqlite3_step(st);
        if (s != SQLITE_DONE)
            s = sqlite3_extended_errcode(ctx->db);
        sqlite3_reset(st);
        if (s != SQLITE_DONE)
            rc = pv_store_write_error(ctx, s, err);
    }
    if (own)
        rc = insert_end(ctx, own, rc, err);
    free(note);
    return rc;
}

/* ---- the whole file ---- */

static pv_status load_members(pv_ctx *ctx, pv_file_view *v, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_MEMBERS, &st, err) != PV_OK)
        return failed(err);
    sqlite3_bind_int64(st, 1, v->household_id);
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (v->n_members == cap) {
            cap = cap ? cap * 2 : 8;
            pv_person *m = realloc(v->members, cap * sizeof *m);
            if (!m) {
                sqlite3_reset(st);
                return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
            }
            v->members = m;
        }
        read_person(st, &v->members[v->n_members++], NULL);
    }
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status load_assessments(pv_ctx *ctx, pv_file_view *v, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_ASSESSMENTS, &st, err) != PV_OK)
        return failed(err);
    sqlite3_bind_int64(st, 1, v->file.id);
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (v->n_assessments == cap) {
            cap = cap ? cap * 2 : 8;
            pv_assessment *a = realloc(v->assessments, cap * sizeof *a);
            if (!a)
                break;
            v->assessments = a;
        }
        pv_assessment *a = &v->assessments[v->n_assessments];
        memset(a, 0, sizeof *a);
        a->id = sqlite3_column_int64(st, 0);
        a->file_id = sqlite3_column_int64(st, 1);
        col_text(st, 2, a->date, sizeof a->date);
        col_text(st, 3, a->author, sizeof a->author);
        const unsigned char *t = sqlite3_column_text(st, 4);
        a->text = strdup(t ? (const char *)t : "");
        if (!a->text)
            break;
        v->n_assessments++;
    }
    sqlite3_reset(st);
    if (s == SQLITE_ROW)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status load_household_key(pv_ctx *ctx, pv_file_view *v, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_HOUSEHOLD_KEY, &st, err) != PV_OK)
        return failed(err);
    sqlite3_bind_int64(st, 1, v->household_id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        col_text(st, 0, v->household_key, sizeof v->household_key);
    sqlite3_reset(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_file_load(pv_ctx *ctx, const char *national_id, pv_file_view **out,
                       pv_error *err)
{
    *out = NULL;
    pv_file_view *v = calloc(1, sizeof *v);
    if (!v)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    pv_status rc = pv_person_find(ctx, national_id, &v->person, err);
    v->household_id = v->person.household_id;
    if (rc == PV_OK && v->household_id) {
        rc = load_household_key(ctx, v, err);
        if (rc == PV_OK)
            rc = load_members(ctx, v, err);
        if (rc == PV_OK) {
            rc = casefile_load(ctx, SQL_CASEFILE_BY_HOUSEHOLD, v->household_id, &v->file, err);
            v->has_file = rc == PV_OK;
            if (rc == PV_ENOTFOUND) {
                pv_error_clear(err);
                rc = PV_OK;
            }
        }
        if (rc == PV_OK && v->has_file)
            rc = load_assessments(ctx, v, err);
    }
    if (rc != PV_OK) {
        pv_file_view_free(v);
        return rc;
    }
    *out = v;
    return PV_OK;
}

void pv_file_view_free(pv_file_view *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n_assessments; i++)
        free(v->assessments[i].text);
    free(v->assessments);
    free(v->members);
    free(v);
}

/* ---- derived facts ---- */

bool pv_person_is_female_head(const pv_file_view *v, const pv_person *p)
{
    (void)v;
    return p->household_id != 0 && p->relation == PV_REL_HEAD && p->gender == PV_GENDER_FEMALE;
}

bool pv_person_is_daughter_of_female_head(const pv_file_view *v, const pv_person *p)
{
    if (!v || p->household_id == 0 || p->household_id != v->household_id ||
        p->relation != PV_REL_CHILD || p->gender != PV_GENDER_FEMALE)
        return false;
    for (size_t i = 0; i < v->n_members; i++)
        if (pv_person_is_female_head(v, &v->members[i]))
            return true;
    return false;
}

/* ---- duplicates ---- */

pv_status pv_person_duplicates(pv_ctx *ctx, const pv_person *p, pv_person **out,
                               size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    pv_status rc = pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err);
    if (rc != PV_OK)
        return rc;
    char ff[PV_NAME_SZ], fl[PV_NAME_SZ], fp[PV_NAME_SZ];
    pv_text_fold(p->first_name, ff, sizeof ff);
    pv_text_fold(p->last_name, fl, sizeof fl);
    pv_text_fold(p->father_name, fp, sizeof fp);
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_DUPLICATES, &st, err) != PV_OK)
        return failed(err);
    bind_text(st, 1, p->national_id);
    sqlite3_bind_int64(st, 2, p->id);
    bind_text(st, 3, fl);
    bind_text(st, 4, ff);
    bind_text(st, 5, fp);
    bind_text(st, 6, p->birth_date);
    sqlite3_bind_int64(st, 7, pv_authz_all_branches(ctx) ? 0 : pv_ctx_actor(ctx)->branch_code);
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            pv_person *m = realloc(*out, cap * sizeof *m);
            if (!m)
                break;
            *out = m;
        }
        read_person(st, &(*out)[(*n)++], NULL);
    }
    sqlite3_reset(st);
    if (s != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return s == SQLITE_ROW ? pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."))
                               : pv_db_error(ctx, err);
    }
    return PV_OK;
}

/* ---- history ---- */

static pv_status history_append(pv_person_version **out, size_t *n, size_t *cap, pv_error *err)
{
    if (*n < *cap)
        return PV_OK;
    *cap = *cap ? *cap * 2 : 8;
    pv_person_version *m = realloc(*out, *cap * sizeof *m);
    if (!m)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    *out = m;
    return PV_OK;
}

static pv_status history_rows(pv_ctx *ctx, const pv_person *cur, pv_person_version **out,
                              size_t *n, pv_error *err)
{
    size_t cap = 0;
    sqlite3_stmt *st;
    if (pv_stmt(ctx, SQL_HISTORY, &st, err) != PV_OK)
        return failed(err);
    sqlite3_bind_int64(st, 1, cur->id);
    int s;
    pv_status rc = PV_OK;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = history_append(out, n, &cap, err)) != PV_OK)
            break;
        pv_person_version *v = &(*out)[(*n)++];
        memset(v, 0, sizeof *v);
        read_person(st, &v->person, NULL);
        col_text(st, 18, v->changed_at, sizeof v->changed_at);
        col_text(st, 19, v->changed_by, sizeof v->changed_by);
    }
    sqlite3_reset(st);
    if (rc != PV_OK)
        return rc;
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if ((rc = history_append(out, n, &cap, err)) != PV_OK ||
        (rc = pv_stmt(ctx, SQL_CURRENT_STAMP, &st, err)) != PV_OK)
        return rc;
    pv_person_version *v = &(*out)[(*n)++];
    memset(v, 0, sizeof *v);
    v->person = *cur;
    v->current = true;
    sqlite3_bind_int64(st, 1, cur->id);
    if ((s = sqlite3_step(st)) == SQLITE_ROW) {
        col_text(st, 0, v->changed_at, sizeof v->changed_at);
        col_text(st, 1, v->changed_by, sizeof v->changed_by);
    }
    sqlite3_reset(st);
    return s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_person_history(pv_ctx *ctx, const char *national_id, pv_person_version **out,
                            size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    pv_person cur;
    pv_status rc = pv_person_find(ctx, national_id, &cur, err);
    if (rc == PV_OK)
        rc = history_rows(ctx, &cur, out, n, err);
    if (rc != PV_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
