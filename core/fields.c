/* parvande — labels of every field a message can name. One table, so a
 * rejection from any input path names the field the same way. Modules add
 * their fields here. */
#include <string.h>

#include "parvande/error.h"
#include "parvande/i18n.h"

static const struct {
    const char *name;
    const char *label; /* msgid */
} field_labels[] = {
    {"national_id", N_("National ID")},
    {"legal_id", N_("Legal-entity national ID")},
    {"first_name", N_("First name")},
    {"last_name", N_("Last name")},
    {"father_name", N_("Father's name")},
    {"gender", N_("Gender")},
    {"birth_date", N_("Birth date")},
    {"phone", N_("Phone")},
    {"province", N_("Province")},
    {"county", N_("County")},
    {"address", N_("Address")},
    {"area", N_("Area type")},
    {"disability", N_("Disability")},
    {"guardianship", N_("Guardianship")},
    {"judicial_order", N_("Judicial order")},
    {"relation", N_("Relation to the head")},
    {"household", N_("Household")},
    {"covered", N_("Covered")},
    {"file_status", N_("File status")},
    {"date", N_("Date")},
    {"note", N_("Note")},
    {"assessment", N_("Assessment")},
    {"query", N_("Search")},
    {"branch", N_("Branch")},
    {"caseworker", N_("Caseworker")},
    {"service", N_("Service")},
    {"enrollment", N_("Enrollment")},
    {"document", N_("Document")},
    {"credit", N_("Credit")},
    {"amount", N_("Amount")},
    {"year", N_("Year")},
    {"justification", N_("Justification")},
    {"rule", N_("Rule")},
    {"fact", N_("Fact")},
    {"user", N_("User name")},
    {"password", N_("Password")},
    {"role", N_("Role")},
    {"csv", N_("CSV file")},
    {"from", N_("From date")},
    {"to", N_("To date")},
    {"month", N_("Month")},
    /* courses and inquiries (their forms and commands) */
    {"title", N_("Title")},
    {"start_date", N_("Start date")},
    {"capacity", N_("Capacity")},
    {"place", N_("Place")},
    {"trainer", N_("Trainer")},
    {"score", N_("Score")},
    {"agency", N_("Agency")},
    {"asked", N_("What is asked")},
    {"reference", N_("Reference number")},
    {"days", N_("Days")},
    {"sent_on", N_("Date sent")},
    {"answered_on", N_("Date answered")},
};

const char *pv_field_label(const char *field)
{
    if (!field)
        return "";
    for (size_t i = 0; i < sizeof field_labels / sizeof *field_labels; i++)
        if (strcmp(field_labels[i].name, field) == 0)
            return _(field_labels[i].label);
    return field;
}
