/* bench-gen — writes N synthetic beneficiaries, in households, as a CSV file
 * in the import format (see README "Importing CSV") on standard output.
 *
 *   bench-gen N [SEED]
 *
 * Names are real Persian first names (male and female), last names and
 * fathers' names; national IDs are valid and distinct; birth dates are
 * Jalali; provinces and counties are Iran's. Households have one to seven
 * members, about a fifth are headed by women, and some members are orphans
 * or poorly supervised (some with a judicial order), disabled, or live in
 * informal settlements, so every service has someone eligible. The same N
 * and SEED always give the same file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* First names: a man's and a woman's on each entry (one table, so that the
 * two lists are one). */
static const char *const first_names[][2] = {
    {"محمد", "فاطمه"}, {"علی", "زهرا"}, {"حسین", "مریم"}, {"حسن", "معصومه"}, {"رضا", "زینب"},
    {"مهدی", "سکینه"}, {"امیر", "طاهره"}, {"محمدرضا", "کبری"}, {"علیرضا", "صغری"}, {"حمید", "فرشته"},
    {"سعید", "شهلا"}, {"مجید", "پروین"}, {"مسعود", "مهین"}, {"احمد", "منیژه"}, {"محمود", "ژاله"},
    {"جواد", "لیلا"}, {"عباس", "نرگس"}, {"ابوالفضل", "نسرین"}, {"مصطفی", "نسترن"}, {"مرتضی", "سمیرا"},
    {"مجتبی", "سمانه"}, {"یوسف", "سمیه"}, {"ابراهیم", "الهام"}, {"اسماعیل", "الهه"}, {"یعقوب", "اعظم"},
    {"داوود", "اکرم"}, {"سلیمان", "اشرف"}, {"موسی", "عصمت"}, {"عیسی", "عفت"}, {"هادی", "طیبه"},
    {"کاظم", "راضیه"}, {"صادق", "مرضیه"}, {"باقر", "منصوره"}, {"جعفر", "محبوبه"}, {"تقی", "ملیحه"},
    {"قاسم", "ملیکا"}, {"هاشم", "مهسا"}, {"ناصر", "مهناز"}, {"منصور", "مهتاب"}, {"بهروز", "مهری"},
    {"بهزاد", "ماندانا"}, {"فرهاد", "مینا"}, {"فرشید", "مینو"}, {"فریدون", "نازنین"}, {"کامران", "ناهید"},
    {"کیوان", "نیلوفر"}, {"بابک", "نگار"}, {"آرش", "نیوشا"}, {"سیاوش", "هانیه"}, {"کوروش", "هدی"},
    {"داریوش", "هستی"}, {"بیژن", "یاسمن"}, {"پرویز", "یگانه"}, {"جمشید", "آزاده"}, {"هوشنگ", "آتنا"},
    {"اکبر", "آیدا"}, {"اصغر", "آیلین"}, {"نادر", "ارغوان"}, {"رحیم", "بهاره"}, {"کریم", "بهار"},
    {"عبدالله", "پریسا"}, {"حبیب", "پرستو"}, {"نعمت‌الله", "پگاه"}, {"عزت‌الله", "ترانه"}, {"رحمت‌الله", "تینا"},
    {"قدرت‌الله", "ثمین"}, {"حشمت‌الله", "ثریا"}, {"یدالله", "حدیث"}, {"روح‌الله", "حمیده"}, {"حجت", "حکیمه"},
    {"سجاد", "خدیجه"}, {"میلاد", "رقیه"}, {"امید", "رعنا"}, {"وحید", "رویا"}, {"نوید", "ریحانه"},
    {"پویا", "زری"}, {"پارسا", "زیبا"}, {"آرمان", "ژیلا"}, {"سینا", "ساره"}, {"ماهان", "سارا"},
    {"امیرحسین", "سحر"}, {"امیرعلی", "ستاره"}, {"محمدحسین", "سودابه"}, {"محمدعلی", "سوسن"}, {"محمدمهدی", "سیما"},
    {"محمدامین", "شیرین"}, {"امین", "شیما"}, {"حامد", "شبنم"}, {"حمیدرضا", "شکوفه"}, {"غلامرضا", "صدیقه"},
    {"غلامحسین", "صبا"}, {"اسدالله", "عاطفه"}, {"شهرام", "عسل"}, {"شهاب", "غزاله"}, {"شاهین", "فائزه"},
    {"بهنام", "فرزانه"}, {"بهرام", "فریبا"}, {"مهران", "فریده"}, {"مهرداد", "فرحناز"}, {"فرزاد", "فهیمه"},
    {"فرامرز", "کیمیا"}, {"رامین", "گلناز"}, {"کامبیز", "گلاره"}, {"سهراب", "گیتی"}, {"رستم", "لادن"},
    {"اردلان", "لاله"}, {"آرین", "محدثه"}, {"طاها", "مژگان"}, {"یاسین", "مونا"}, {"ایلیا", "نجمه"},
    {"هومن", "نوشین"}, {"پیمان", "نفیسه"}, {"پژمان", "هما"}, {"کیان", "هاجر"}, {"عرفان", "یلدا"},
    {"عماد", "زهره"}, {"مهیار", "کوثر"}, {"بردیا", "نرجس"}, {"صالح", "بتول"}, {"سامان", "سهیلا"},
    {"سروش", "شهناز"}, {"شایان", "اقدس"}, {"یاشار", "منیره"}, {"نیما", "ربابه"}, {"ایمان", "گوهر"},
    {"احسان", "پروانه"}, {"افشین", "فرخنده"}, {"جلال", "مهرانگیز"}, {"کمال", "ماهرخ"}, {"جمال", "روشنک"},
    {"ولی", "دلارام"}, {"نبی", "دنیا"}, {"ذبیح‌الله", "درسا"}, {"خلیل", "رها"}, {"رسول", "فاطمه‌زهرا"},
    {"اسحاق", "ام‌البنین"}, {"حمزه", "آمنه"}, {"بلال", "حلیمه"}, {"ادریس", "صفیه"}, {"زکریا", "جمیله"},
    {"مسلم", "شیوا"}, {"عقیل", "پریا"}, {"ابوذر", "مهشید"}, {"سلمان", "مهرنوش"}, {"مقداد", "آناهیتا"},
    {"میثم", "افسانه"}, {"محسن", "فرناز"}, {"منوچهر", "ساناز"}, {"خسرو", "کتایون"}, {"شاپور", "شقایق"},
};
#define MALE_NAME (first_names[below(COUNT(first_names))][0])
#define FEMALE_NAME (first_names[below(COUNT(first_names))][1])

static const char *const last_names[] = {
    "محمدی", "حسینی", "احمدی", "رضایی", "موسوی", "کریمی", "جعفری", "رحیمی", "کاظمی", "هاشمی",
    "قاسمی", "حیدری", "صادقی", "مرادی", "نوری", "عباسی", "یوسفی", "محمودی", "سلطانی", "ابراهیمی",
    "اکبری", "امیری", "طاهری", "رستمی", "شریفی", "نجفی", "باقری", "حسنی", "علوی", "زارعی",
    "فرهادی", "کرمی", "قربانی", "جلالی", "بهرامی", "خسروی", "نظری", "عزیزی", "سعیدی", "مختاری",
    "ملکی", "فتحی", "شاکری", "صفری", "اسدی", "میرزایی", "نادری", "رسولی", "غلامی", "منصوری",
    "کیانی", "افشار", "پورمحمدی", "علیزاده", "حسن‌زاده", "حسین‌زاده", "قلی‌زاده", "عباس‌زاده", "تقی‌زاده", "ولی‌زاده",
    "نوروزی", "بابایی", "خلیلی", "دهقان", "دهقانی", "کشاورز", "آهنگر", "نجار", "زرگر", "عطار",
    "بنایی", "سبزواری", "شیرازی", "اصفهانی", "تهرانی", "کرمانی", "یزدی", "قزوینی", "تبریزی", "رشتی",
    "کاشانی", "همدانی", "مشهدی", "خراسانی", "گیلانی", "مازندرانی", "بلوچ", "ترکمن", "جهانگیری", "اسکندری",
    "بختیاری", "قشقایی", "زندی", "افشاری", "صفوی", "طباطبایی", "میرحسینی", "سیدی", "شیخی", "ملایی",
    "آخوندی", "حاجی‌زاده", "کربلایی", "زائری", "ایزدی", "یزدانی", "امینی", "رحمانی", "سلیمانی", "یعقوبی",
    "داوودی", "موسی‌پور", "علی‌پور", "حسن‌پور", "رضاپور", "قاسم‌پور", "نیک‌نام", "نیکخواه", "خوش‌نیت", "خوشرو",
    "شادمان", "شادکام", "کامرانی", "فرجی", "فرخی", "پاکزاد", "پاک‌نژاد", "رضانژاد", "کاظم‌نژاد", "عبدی",
    "عبداللهی", "حبیبی", "نعمتی", "عزتی", "رحمتی", "قدرتی", "حشمتی", "مهدوی", "مرتضوی", "مصطفوی",
    "جوادی", "باقرزاده", "صالحی", "سالاری", "سرداری", "سپهری", "ستاری", "سبحانی", "شفیعی", "شجاعی",
    "صمدی", "ضیایی", "طالبی", "ظریف", "عسگری", "عمادی", "غفاری", "فاضلی", "قنبری", "کاوه",
    "گودرزی", "لطفی", "مالکی", "نصیری", "وحیدی", "هدایتی", "اصغری", "انصاری", "بیات", "پناهی",
    "توکلی", "ثابتی", "جمالی", "چراغی", "خدایی", "درویشی", "ذوالفقاری", "رجبی", "زمانی", "ساکی",
    "شهبازی", "طاهرخانی", "علیخانی", "فلاحی", "قدیری", "کمالی", "گنجی", "محبی", "نصرتی", "یاری",
    "آقایی", "اسماعیلی", "برزگر", "پیری", "تقوی", "ثقفی", "حیدرزاده", "خادمی", "دلاوری", "رنجبر",
};

static const char *const streets[] = {
    "آزادی", "انقلاب", "امام خمینی", "ولیعصر", "شهید بهشتی", "طالقانی", "مطهری", "جمهوری",
    "شریعتی", "فردوسی", "حافظ", "سعدی", "باهنر", "رجایی", "چمران", "بسیج", "شهدا", "فاطمی",
};

typedef struct region {
    const char *province;
    const char *counties[4];
} region;

static const region regions[] = {
    {"تهران", {"تهران", "ری", "اسلامشهر", "ورامین"}},
    {"البرز", {"کرج", "فردیس", "نظرآباد", "ساوجبلاغ"}},
    {"اصفهان", {"اصفهان", "کاشان", "نجف‌آباد", "خمینی‌شهر"}},
    {"خراسان رضوی", {"مشهد", "نیشابور", "سبزوار", "تربت حیدریه"}},
    {"فارس", {"شیراز", "مرودشت", "کازرون", "جهرم"}},
    {"خوزستان", {"اهواز", "دزفول", "آبادان", "شوشتر"}},
    {"آذربایجان شرقی", {"تبریز", "مراغه", "مرند", "میانه"}},
    {"آذربایجان غربی", {"ارومیه", "خوی", "مهاباد", "میاندوآب"}},
    {"کرمان", {"کرمان", "سیرجان", "رفسنجان", "بم"}},
    {"سیستان و بلوچستان", {"زاهدان", "زابل", "چابهار", "ایرانشهر"}},
    {"مازندران", {"ساری", "بابل", "آمل", "قائم‌شهر"}},
    {"گیلان", {"رشت", "لاهیجان", "انزلی", "لنگرود"}},
    {"کرمانشاه", {"کرمانشاه", "اسلام‌آباد غرب", "هرسین", "سنقر"}},
    {"لرستان", {"خرم‌آباد", "بروجرد", "دورود", "الیگودرز"}},
    {"همدان", {"همدان", "ملایر", "نهاوند", "تویسرکان"}},
    {"کردستان", {"سنندج", "سقز", "مریوان", "بانه"}},
    {"هرمزگان", {"بندرعباس", "میناب", "قشم", "بندر لنگه"}},
    {"گلستان", {"گرگان", "گنبد کاووس", "علی‌آباد کتول", "آق‌قلا"}},
    {"یزد", {"یزد", "میبد", "اردکان", "تفت"}},
    {"مرکزی", {"اراک", "ساوه", "خمین", "محلات"}},
    {"قزوین", {"قزوین", "تاکستان", "البرز", "بوئین‌زهرا"}},
    {"قم", {"قم", "قم", "قم", "قم"}},
    {"اردبیل", {"اردبیل", "پارس‌آباد", "مشگین‌شهر", "خلخال"}},
    {"زنجان", {"زنجان", "ابهر", "خدابنده", "خرمدره"}},
    {"بوشهر", {"بوشهر", "برازجان", "گناوه", "کنگان"}},
    {"چهارمحال و بختیاری", {"شهرکرد", "بروجن", "لردگان", "فارسان"}},
    {"کهگیلویه و بویراحمد", {"یاسوج", "دهدشت", "گچساران", "دنا"}},
    {"ایلام", {"ایلام", "دهلران", "ایوان", "آبدانان"}},
    {"سمنان", {"سمنان", "شاهرود", "دامغان", "گرمسار"}},
    {"خراسان شمالی", {"بجنورد", "شیروان", "اسفراین", "جاجرم"}},
    {"خراسان جنوبی", {"بیرجند", "قائنات", "فردوس", "طبس"}},
};

/* xorshift64*: small, fast, the same sequence everywhere. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}
static unsigned below(unsigned n)
{
    return (unsigned)((rnd() >> 33) % n);
}
static int chance(unsigned percent)
{
    return below(1000) < percent * 10;
}
#define PICK(a) ((a)[below(COUNT(a))])

/* The next distinct national ID: nine digits from a permutation of
 * 0..10^9-1 (multiplying the index by a number coprime to 10), plus the
 * check digit. Bodies of one repeated digit give all-same IDs, which are
 * invalid: those indexes are skipped. */
static uint64_t id_offset, id_next;
static void national_id(char out[11])
{
    for (;;) {
        uint64_t body = (id_offset + id_next++ * 387420489ULL) % 1000000000ULL;
        snprintf(out, 11, "%09llu", (unsigned long long)body);
        int sum = 0, same = 1;
        for (int k = 0; k < 9; k++) {
            sum += (out[k] - '0') * (10 - k);
            same &= out[k] == out[0];
        }
        if (same)
            continue;
        int r = sum % 11;
        out[9] = (char)('0' + (r < 2 ? r : 11 - r));
        out[10] = '\0';
        return;
    }
}

static void jalali_date(int y0, int y1, char out[11])
{
    int y = y0 + (int)below((unsigned)(y1 - y0 + 1));
    int m = 1 + (int)below(12);
    int days = m <= 6 ? 31 : m <= 11 ? 30 : 29;
    snprintf(out, 11, "%04d/%02d/%02d", y, m, 1 + (int)below((unsigned)days));
}

typedef struct hh_ctx {
    unsigned long key;
    const region *reg;
    const char *county;
    const char *last;
    const char *area;
    const char *covered, *status;
    char address[256];
} hh_ctx;

typedef struct member {
    const char *first, *father, *relation, *gender, *guardianship;
    int y0, y1, judicial;
} member;

/* CSV needs quotes only around the address (it has commas). */
static void put_row(const hh_ctx *h, const member *m)
{
    char nid[11], birth[11], phone[16] = "";
    national_id(nid);
    jalali_date(m->y0, m->y1, birth);
    if (strcmp(m->relation, "head") == 0 || strcmp(m->relation, "spouse") == 0)
        snprintf(phone, sizeof phone, "09%u%07u", 10 + below(30), below(10000000));
    const char *dis = "none";
    unsigned d = below(1000);
    if (d < 20) dis = "mild";
    else if (d < 35) dis = "moderate";
    else if (d < 45) dis = "severe";
    else if (d < 50) dis = "very_severe";
    printf("H%07lu,%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\",%s,%s,%s,%s,%s,%s,%s\n", h->key, nid,
           m->first, h->last, m->father, m->gender, birth, phone, h->reg->province, h->county,
           h->address, h->area, m->relation, m->guardianship, m->judicial ? "yes" : "no", dis,
           h->covered, h->status);
}

static unsigned household_size(void)
{
    static const unsigned cumulative[] = {15, 35, 60, 82, 92, 97, 100};
    unsigned r = below(100);
    for (unsigned k = 0; k < COUNT(cumulative); k++)
        if (r < cumulative[k])
            return k + 1;
    return 7;
}

/* One household of at most `room` members; returns how many were written. */
static unsigned put_household(unsigned long key, unsigned room)
{
    hh_ctx h = {.key = key, .reg = &PICK(regions), .last = PICK(last_names)};
    h.county = h.reg->counties[below(4)];
    unsigned a = below(100);
    h.area = a < 70 ? "urban" : a < 92 ? "rural" : "informal";
    h.covered = chance(80) ? "yes" : "no";
    h.status = chance(92) ? "active" : "closed";
    snprintf(h.address, sizeof h.address, "%s، خیابان %s، کوچه %u، پلاک %u", h.county,
             PICK(streets), 1 + below(40), 1 + below(200));
    unsigned size = household_size();
    if (size > room)
        size = room;
    int female_head = chance(22);
    int orphans = !female_head && chance(4);  /* children whose parents are gone */
    int poorly = !orphans && chance(4);       /* children poorly supervised */
    const char *father = MALE_NAME, *mother = FEMALE_NAME;
    unsigned n = 0;
    member head = {.first = female_head ? mother : father, .father = MALE_NAME,
                   .relation = "head", .gender = female_head ? "F" : "M",
                   .guardianship = "none", .y0 = 1320, .y1 = 1380};
    if (orphans) { /* an elder sibling heads the household */
        int male = chance(50);
        head.first = male ? MALE_NAME : FEMALE_NAME;
        head.gender = male ? "M" : "F";
        head.father = father;
        head.y0 = 1375, head.y1 = 1384;
    }
    put_row(&h, &head), n++;
    if (n < size && !female_head && !orphans) {
        member sp = {.first = mother, .father = MALE_NAME, .relation = "spouse",
                     .gender = "F", .guardianship = "none", .y0 = 1325, .y1 = 1382};
        put_row(&h, &sp), n++;
    }
    if (n < size && chance(10)) {
        int male = chance(40);
        member par = {.first = male ? MALE_NAME : FEMALE_NAME,
                      .father = MALE_NAME, .relation = "parent", .gender = male ? "M" : "F",
                      .guardianship = "none", .y0 = 1300, .y1 = 1335};
        put_row(&h, &par), n++;
    }
    while (n < size) {
        int male = chance(50);
        member ch = {.first = male ? MALE_NAME : FEMALE_NAME,
                     .father = orphans ? father : female_head ? MALE_NAME : father,
                     .relation = orphans ? "sibling" : "child", .gender = male ? "M" : "F",
                     .guardianship = orphans ? "orphan" : poorly ? "poorly_supervised" : "none",
                     .y0 = 1383, .y1 = 1402};
        ch.judicial = (orphans || poorly) && chance(60);
        put_row(&h, &ch), n++;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench-gen N [SEED]  (CSV of N beneficiaries on stdout)\n");
        return 2;
    }
    unsigned long total = strtoul(argv[1], NULL, 10);
    unsigned long seed = argc > 2 ? strtoul(argv[2], NULL, 10) : 1;
    rng_state = 0x9E3779B97F4A7C15ULL ^ (seed * 0xD1B54A32D192ED03ULL);
    if (!rng_state)
        rng_state = 1;
    id_offset = 100000000ULL + seed * 7919ULL;
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    printf("household,national_id,first_name,last_name,father_name,gender,birth_date,phone,"
           "province,county,address,area,relation,guardianship,judicial_order,disability,"
           "covered,file_status\n");
    unsigned long done = 0, key = 1;
    while (done < total) {
        unsigned long room = total - done;
        done += put_household(key++, room > 7 ? 7 : (unsigned)room);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
