/* Tests of the streaming CSV reader: RFC 4180 quoting, line endings, BOM,
 * line numbers, broken records and records longer than the first buffer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/csv.h"

typedef struct reader {
    FILE *f;
    pv_csv *r;
} reader;

static reader open_text(const char *text, size_t len)
{
    reader rd;
    rd.f = fmemopen((void *)text, len, "r");
    cr_assert_not_null(rd.f);
    rd.r = pv_csv_new(rd.f);
    cr_assert_not_null(rd.r);
    return rd;
}

static void close_reader(reader *rd)
{
    pv_csv_free(rd->r);
    fclose(rd->f);
}

static void expect_record(pv_csv *r, long line, size_t n, const char *const *want)
{
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_csv_next(r, &err), 1, "expected a record at line %ld", line);
    cr_assert_eq(pv_csv_line(r), line, "record line %ld, wanted %ld", pv_csv_line(r), line);
    cr_assert_eq(pv_csv_count(r), n, "line %ld: %zu fields, wanted %zu", line, pv_csv_count(r), n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(pv_csv_field(r, i), want[i]);
        cr_assert_eq(pv_csv_field_len(r, i), strlen(want[i]));
    }
    cr_assert_null(pv_csv_record_error(r), "line %ld: %s", line, pv_csv_record_error(r));
}

static void expect_end(pv_csv *r)
{
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_csv_next(r, &err), 0);
    cr_assert_eq(pv_csv_next(r, &err), 0, "end of file is sticky");
}

#define S(...) ((const char *const[]){__VA_ARGS__})

Test(csv_reader, plain_lf_records)
{
    const char *t = "a,b,c\n1,2,3\n";
    reader rd = open_text(t, strlen(t));
    expect_record(rd.r, 1, 3, S("a", "b", "c"));
    expect_record(rd.r, 2, 3, S("1", "2", "3"));
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, crlf_and_no_final_newline)
{
    const char *t = "a,b\r\n1,2\r\nx,y";
    reader rd = open_text(t, strlen(t));
    expect_record(rd.r, 1, 2, S("a", "b"));
    expect_record(rd.r, 2, 2, S("1", "2"));
    expect_record(rd.r, 3, 2, S("x", "y"));
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, bom_is_skipped)
{
    const char *t = "\xEF\xBB\xBFnational_id,first_name\n0499370899,علی\n";
    reader rd = open_text(t, strlen(t));
    expect_record(rd.r, 1, 2, S("national_id", "first_name"));
    expect_record(rd.r, 2, 2, S("0499370899", "علی"));
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, quoted_commas_quotes_and_newlines)
{
    const char *t = "id,address,note\n"
                    "1,\"تهران، خیابان آزادی, پلاک ۵\",\"he said \"\"hi\"\"\"\n"
                    "2,\"line one\nline two\r\nline three\",\"\"\n"
                    "3,x,y\n";
    reader rd = open_text(t, strlen(t));
    expect_record(rd.r, 1, 3, S("id", "address", "note"));
    expect_record(rd.r, 2, 3, S("1", "تهران، خیابان آزادی, پلاک ۵", "he said \"hi\""));
    expect_record(rd.r, 3, 3, S("2", "line one\nline two\r\nline three", ""));
    /* the record after a multi-line field starts on physical line 6 */
    expect_record(rd.r, 6, 3, S("3", "x", "y"));
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, empty_fields_and_trailing_comma)
{
    const char *t = ",,\na,\n\"\",b\n";
    reader rd = open_text(t, strlen(t));
    expect_record(rd.r, 1, 3, S("", "", ""));
    expect_record(rd.r, 2, 2, S("a", ""));
    expect_record(rd.r, 3, 2, S("", "b"));
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, blank_lines_are_skipped_but_counted)
{
    const char *t = "\n\r\na,b\n\n\nc,d\r\n\r\n";
    reader rd = open_text(t, strlen(t));
    expect_record(rd.r, 3, 2, S("a", "b"));
    expect_record(rd.r, 6, 2, S("c", "d"));
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, lone_cr_ends_a_record)
{
    const char *t = "a,b\rc,d\r";
    reader rd = open_text(t, strlen(t));
    expect_record(rd.r, 1, 2, S("a", "b"));
    expect_record(rd.r, 2, 2, S("c", "d"));
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, empty_input)
{
    reader rd = open_text("", 0);
    expect_end(rd.r);
    close_reader(&rd);
    const char *bom = "\xEF\xBB\xBF";
    rd = open_text(bom, 3);
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, broken_records_are_flagged_and_reading_goes_on)
{
    const char *t = "a,\"b\"x,c\nd,e\"f,g\nh,i,j\n";
    reader rd = open_text(t, strlen(t));
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_csv_next(rd.r, &err), 1);
    cr_assert_eq(pv_csv_line(rd.r), 1);
    cr_assert_str_eq(pv_csv_record_error(rd.r), "text follows a closing quote");
    cr_assert_eq(pv_csv_count(rd.r), 3);
    cr_assert_eq(pv_csv_next(rd.r, &err), 1);
    cr_assert_str_eq(pv_csv_record_error(rd.r), "a quote inside an unquoted field");
    expect_record(rd.r, 3, 3, S("h", "i", "j"));
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, unclosed_quote_at_end_of_file)
{
    const char *t = "a,b\n1,\"never closed\n2,3\n";
    reader rd = open_text(t, strlen(t));
    pv_error err = PV_ERROR_INIT;
    expect_record(rd.r, 1, 2, S("a", "b"));
    cr_assert_eq(pv_csv_next(rd.r, &err), 1);
    cr_assert_eq(pv_csv_line(rd.r), 2);
    cr_assert_not_null(pv_csv_record_error(rd.r));
    cr_assert_str_eq(pv_csv_field(rd.r, 1), "never closed\n2,3\n");
    expect_end(rd.r);
    close_reader(&rd);
}

Test(csv_reader, nul_byte_is_flagged)
{
    const char t[] = "a,b\nx\0y,z\n";
    reader rd = open_text(t, sizeof t - 1);
    pv_error err = PV_ERROR_INIT;
    expect_record(rd.r, 1, 2, S("a", "b"));
    cr_assert_eq(pv_csv_next(rd.r, &err), 1);
    cr_assert_str_eq(pv_csv_record_error(rd.r), "the record contains a NUL byte");
    expect_end(rd.r);
    close_reader(&rd);
}

/* Many records, some longer than the first buffer, with quotes that fall
 * across buffer boundaries: every one comes back intact with its line. */
Test(csv_reader, records_across_buffer_refills)
{
    size_t big = 600 * 1024;
    size_t cap = big * 2 + 4000 * 64;
    char *t = malloc(cap);
    cr_assert_not_null(t);
    size_t len = 0;
    for (int i = 0; i < 4000; i++)
        len += (size_t)snprintf(t + len, cap - len, "%d,\"q\"\"%d\"\r\n", i, i);
    len += (size_t)snprintf(t + len, cap - len, "long,\"");
    memset(t + len, 'x', big);
    len += big;
    len += (size_t)snprintf(t + len, cap - len, "\"\nend,\"\"\"\"\n");
    reader rd = open_text(t, len);
    pv_error err = PV_ERROR_INIT;
    for (int i = 0; i < 4000; i++) {
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", i);
        snprintf(b, sizeof b, "q\"%d", i);
        expect_record(rd.r, i + 1, 2, S(a, b));
    }
    cr_assert_eq(pv_csv_next(rd.r, &err), 1);
    cr_assert_eq(pv_csv_line(rd.r), 4001);
    cr_assert_eq(pv_csv_field_len(rd.r, 1), big);
    expect_record(rd.r, 4002, 2, S("end", "\""));
    expect_end(rd.r);
    close_reader(&rd);
    free(t);
}

Test(csv_reader, record_too_long_is_a_file_error)
{
    size_t n = PV_CSV_MAX_RECORD + 1024;
    char *t = malloc(n);
    cr_assert_not_null(t);
    memset(t, 'y', n);
    reader rd = open_text(t, n);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_csv_next(rd.r, &err), -1);
    cr_assert_eq(err.status, PV_EINVAL);
    cr_assert_str_eq(err.field, "csv");
    pv_error_clear(&err);
    close_reader(&rd);
    free(t);
}

Test(csv_reader, too_many_fields_is_a_file_error)
{
    char t[PV_CSV_MAX_FIELDS * 2 + 8];
    size_t len = 0;
    for (int i = 0; i <= PV_CSV_MAX_FIELDS; i++)
        t[len++] = ',';
    t[len++] = '\n';
    reader rd = open_text(t, len);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_csv_next(rd.r, &err), -1);
    cr_assert_eq(err.status, PV_EINVAL);
    pv_error_clear(&err);
    close_reader(&rd);
}

/* What pv_csv_write_row writes, the reader reads back unchanged. */
Test(csv_writer, round_trip_with_quoting)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    cr_assert_not_null(f);
    const char *row[] = {"plain", "with, comma", "with \"quotes\"", "two\nlines", " padded ", "",
                         "تهران، خیابان آزادی"};
    cr_assert_eq(pv_csv_write_row(f, row, 7), 0);
    cr_assert_eq(pv_csv_write_row(f, row, 1), 0);
    fclose(f);
    cr_assert_str_eq(buf, "plain,\"with, comma\",\"with \"\"quotes\"\"\",\"two\nlines\",\" padded \",,"
                          "تهران، خیابان آزادی\nplain\n");
    reader rd = open_text(buf, size);
    expect_record(rd.r, 1, 7, row);
    expect_record(rd.r, 3, 1, S("plain"));
    expect_end(rd.r);
    close_reader(&rd);
    free(buf);
}
