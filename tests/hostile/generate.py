#!/usr/bin/env python3
"""Writes the hostile-input corpus of tests/hostile/ (kept in the repository;
run again only to change it): csv/ files for `import`, args/ values for the
command line, cards/ for `catalog-load`, fields/ lines typed into the
interface. Each file is one input; its name says what it tries."""
import itertools
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = "national_id,first_name,last_name,father_name,gender,birth_date,household,relation,phone,address"
GOOD = "0499370899,زهرا,کریمی,علی,زن,1370/05/12,h1,head,09121234567,تهران"

# Values no field should ever accept or pass through raw.
NASTY = {
    "esc-csi": "\x1b[31mقرمز\x1b[0m",
    "esc-clear": "\x1b[2J\x1b[H",
    "esc-osc-title": "\x1b]0;pwned\x07",
    "esc-osc8-link": "\x1b]8;;http://example.invalid\x1b\\click\x1b]8;;\x1b\\",
    "esc-dcs": "\x1bP1$r\x1b\\",
    "c1-csi": "\u009b31m",
    "c1-osc": "\u009d0;x\u009c",
    "bel": "زهرا\x07",
    "backspace": "abc\x08\x08\x08xyz",
    "cr-overwrite": "safe\rEVIL",
    "del": "زه\x7fرا",
    "nul-inside": "زه\x00را",
    "vt-ff": "a\x0bb\x0cc",
    "rlo": "\u202eزهرا",
    "lro": "\u202dabc",
    "rle-pdf": "\u202bx\u202c",
    "isolates": "\u2066\u2067\u2068x\u2069",
    "lrm-rlm": "\u200e\u200fزهرا",
    "bom-inside": "ز\ufeffهرا",
    "zwnj-only": "\u200c\u200c",
    "zwj": "ز\u200dه",
    "tatweel": "زهـــرا",
    "harakat": "زَهْرا",
    "lone-mark": "\u064eزهرا",
    "arabic-yeh-kaf": "علي كريمي",
    "surrogate-ish": "\ud7ff\ue000",
    "private-use": "\ue000\uf8ff",
    "nonchar": "\ufffe\uffff",
    "emoji": "زهرا 👩‍👩‍👧",
    "wide-cjk": "漢字漢字",
    "sql-quote": "O'Brien",
    "sql-inject": "x'); DROP TABLE person;--",
    "sql-like": "%_%",
    "sql-union": "' UNION SELECT * FROM users--",
    "percent-fmt": "%s%n%x%p",
    "backslash": "\\x1b\\n\\0",
    "html": "<script>alert(1)</script>",
    "only-spaces": "      ",
    "tabs": "\tزهرا\t",
    "newline-in-name": "زهرا\nکریمی",
    "long-200": "ز" * 200,
    "long-5000": "a" * 5000,
    "long-70000": "ب" * 70000,
    "digits-persian": "۱۲۳۴۵۶۷۸۹۰",
    "digits-arabic": "١٢٣٤٥٦٧٨٩٠",
    "big-number": "99999999999999999999999999",
    "neg-number": "-9223372036854775809",
    "float": "1e308",
    "nan": "NaN",
    "latin1-looking": "Ã©Ã¨",
}
BAD_BYTES = {
    "utf8-overlong": b"\xc0\xaf",
    "utf8-truncated": b"\xd8",
    "utf8-invalid-ff": b"\xff\xfe",
    "utf8-surrogate": b"\xed\xa0\x80",
    "utf8-too-big": b"\xf4\x90\x80\x80",
    "utf8-cont-only": b"\x80\x80\x80",
    "latin1": "Jos\xe9".encode("latin-1"),
    "utf16le": "زهرا".encode("utf-16-le"),
}
NATIDS = ["0499370898", "049937089", "04993708990", "abcdefghij", "0000000000", "1111111111",
          "۰۴۹۹۳۷۰۸۹۸", "0499 370 899", "-499370899", "0x1D", "", "٠٤٩٩٣٧٠٨٩٩", "99999999999999999999"]
DATES = ["1403/07/31", "1403/12/30", "1402/12/30", "1404/13/01", "1404/00/10", "1404/01/00", "0000/01/01",
         "9999/12/29", "1404-02-31", "2025-02-29", "2024-02-30", "31/12/1403", "yesterday", "1404/1/1/1",
         "۱۴۰۴/۱۳/۰۱", "-1404/01/01", "14040101", "1404/01/01T00:00", "99999999999/01/01", "2025-13-01"]


def csv_quote(v):
    if any(c in v for c in ',"\n\r'):
        return '"' + v.replace('"', '""') + '"'
    return v


def row(**over):
    cols = HEADER.split(",")
    vals = dict(zip(cols, GOOD.split(",")))
    vals.update(over)
    return ",".join(csv_quote(vals[c]) for c in cols)


def write(sub, name, data):
    d = os.path.join(HERE, sub)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gen_csv():
    n = 0

    def put(name, data):
        nonlocal n
        n += 1
        write("csv", "%03d-%s.csv" % (n, name), data)

    fields = ["first_name", "last_name", "father_name", "address", "phone", "gender", "relation", "household"]
    for fld in fields:
        for key, v in NASTY.items():
            put("%s-%s" % (fld, key), HEADER + "\n" + row(**{fld: v}) + "\n")
        for key, b in BAD_BYTES.items():
            put("%s-%s" % (fld, key), (HEADER + "\n").encode() + row(**{fld: "@@"}).encode().replace(b"@@", b) + b"\n")
    for i, v in enumerate(NATIDS):
        put("natid-%02d" % i, HEADER + "\n" + row(national_id=v) + "\n")
    for i, v in enumerate(DATES):
        put("date-%02d" % i, HEADER + "\n" + row(birth_date=v) + "\n")
    put("empty", "")
    put("header-only", HEADER + "\n")
    put("header-no-newline", HEADER)
    put("bom-only", "\ufeff")
    put("blank-lines", "\n\n\n")
    put("unterminated-quote", HEADER + "\n" + GOOD.replace("تهران", '"تهران') + "\n")
    put("quote-in-middle", HEADER + "\n" + GOOD.replace("تهران", 'ته"ران') + "\n")
    put("cols-10000", ",".join("c%d" % i for i in range(10000)) + "\n" + ",".join("x" * 1 for _ in range(10000)) + "\n")
    put("row-10000-cols", HEADER + "\n" + GOOD + "," * 10000 + "\n")
    put("too-few-cols", HEADER + "\n0499370899,زهرا\n")
    put("dup-header", HEADER + ",first_name\n" + GOOD + ",x\n")
    put("unknown-column", HEADER + ",evil\n" + GOOD + ",x\n")
    put("header-escape", HEADER.replace("phone", "pho\x1b[31mne") + "\n" + GOOD + "\n")
    put("header-nul", HEADER.replace("phone", "pho\x00ne") + "\n" + GOOD + "\n")
    put("line-1mb", HEADER + "\n" + row(address="x" * (1 << 20)) + "\n")

    put("nul-bytes", b"\x00" * 4096)
    put("binary", bytes(random.Random(7).randrange(256) for _ in range(8192)))
    put("elf-header", b"\x7fELF\x02\x01\x01" + b"\x00" * 200)
    put("gzip", b"\x1f\x8b\x08\x00" + b"\x00" * 100)
    put("cr-only-lines", (HEADER + "\r" + GOOD + "\r"))
    put("crlf", (HEADER + "\r\n" + GOOD + "\r\n"))
    put("mixed-endings", (HEADER + "\r\n" + GOOD + "\n" + GOOD.replace("0499370899", "0084575948") + "\r"))
    put("dup-natid", HEADER + "\n" + GOOD + "\n" + GOOD + "\n")
    put("semicolon-sep", HEADER.replace(",", ";") + "\n" + GOOD.replace(",", ";") + "\n")
    put("tab-sep", HEADER.replace(",", "\t") + "\n" + GOOD.replace(",", "\t") + "\n")
    put("utf16-bom", "\ufeff".encode("utf-16-le") + (HEADER + "\n" + GOOD + "\n").encode("utf-16-le"))
    put("quoted-newlines", HEADER + "\n" + row(address="خط\nخط\r\nخط") + "\n")
    put("many-quotes", HEADER + "\n" + row(address='"' * 999) + "\n")
    r = random.Random(1404)
    alphabet = list('ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی ,"\n\r\x1b\x00\u200c0123456789۰۱۲۳') + ["\u202e", "\ufeff", "\x9b"]
    while n < 300:
        body = "".join(r.choice(alphabet) for _ in range(r.randrange(1, 400)))
        put("random-%03d" % n, HEADER + "\n" + body + "\n")
    return n


def gen_args():
    n = 0
    for key, v in list(NASTY.items()) + [("natid-%d" % i, v) for i, v in enumerate(NATIDS)] + \
            [("date-%d" % i, v) for i, v in enumerate(DATES)]:
        if "\x00" in v:
            v = v.replace("\x00", "")  # argv cannot hold a NUL
        n += 1
        write("args", "%03d-%s.txt" % (n, key), v)
    return n


def gen_cards():
    good = open(os.path.join(HERE, "..", "..", "data", "services", "003-community-social-work.card"), encoding="utf-8").read()
    n = 0

    def put(name, data):
        nonlocal n
        n += 1
        write("cards", "%03d-%s.card" % (n, name), data)

    put("empty", "")
    put("only-comment", "# nothing\n")
    put("truncated-half", good[: len(good) // 2])
    put("no-code", "\n".join(l for l in good.splitlines() if not l.startswith("code")))
    put("binary", bytes(range(256)) * 4)
    put("nul", good.replace("\n", "\x00", 3))
    put("huge-line", good + "\nname = " + "x" * 200000 + "\n")
    put("esc-in-name", good.replace("\n", "\nname_en = \x1b]0;evil\x07\n", 1))
    put("bad-utf8", good.encode() + b"\n\xff\xfe\n")
    for i, rule in enumerate(["age <", "((((((((((((((((((((age))))))))))))))))))))" * 50, "age in ()",
                              "fact.x = 'unterminated", "age >= 99999999999999999999999", "not not not",
                              "unknown_name > 1", "age = = 3", "\x1b[31m", "age > 1 or", "'a' < 'b' < 'c'"]):
        put("rule-%02d" % i, good + "\n[criterion]\nrule = %s\nlabel = x\n" % rule)
    return n


def gen_fields():
    n = 0
    for key in ["esc-csi", "esc-osc-title", "rlo", "isolates", "long-200", "arabic-yeh-kaf", "digits-arabic",
                "sql-inject", "percent-fmt", "html", "emoji", "wide-cjk", "lone-mark", "tatweel"]:
        n += 1
        write("fields", "%03d-%s.txt" % (n, key), NASTY[key])
    return n


if __name__ == "__main__":
    counts = [gen_csv(), gen_args(), gen_cards(), gen_fields()]
    print("csv %d, args %d, cards %d, fields %d: %d inputs" % (*counts, sum(counts)))
