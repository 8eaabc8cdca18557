/*
 * thread.c - which conversation a mail continues: by the Message-IDs it
 * answers, on record in the store with their contacts, or by the
 * reference in its subject.
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "email/email_int.h"
#include "store/store.h"

struct ref_check {
	const char *tenant, *from;
	bool ok;
};

static int ref_h(const struct store_contact *c, void *arg)
{
	struct ref_check *rc = arg;
	json_t *j, *from;

	if (c->channel != ACD_CH_EMAIL || !c->tenant ||
	    strcmp(c->tenant, rc->tenant) || !c->payload)
		return 0;
	j = json_loads(c->payload, 0, NULL);
	from = json_object_get(j, "from");
	rc->ok = json_is_string(from) && rc->from &&
	         !strcasecmp(json_string_value(from), rc->from);
	json_decref(j);
	return 0;
}

uint64_t email_thread_find(struct store *s, const char *tenant,
                           const struct email_mail *m)
{
	uint64_t key = 0, ref;
	struct ref_check rc = {.tenant = tenant, .from = m->from};

	if (m->in_reply_to &&
	    !store_email_find(s, tenant, m->in_reply_to, &key))
		return key;
	for (size_t i = m->nreferences; i-- > 0;)
		if (!store_email_find(s, tenant, m->references[i], &key))
			return key;
	ref = email_subject_ref(m->subject);
	if (ref && !store_contact_get(s, ref, ref_h, &rc) && rc.ok)
		return ref;
	return 0;
}
