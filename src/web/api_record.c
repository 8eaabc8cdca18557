/*
 * api_record.c - a contact's call recordings (docs/api.md): the list of
 * their rows and each one's WAV, for the supervisors and administrators
 * of the contact's tenant (the router refuses agents: a recording holds
 * what a caller said, and an agent has no need to hear it again). A
 * contact of another tenant answers 404 as one that does not exist.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/store.h"
#include "web/web_int.h"

#define RECORDING_MAX_BYTES (512u << 20) /* 4.6 h of stereo 8 kHz */

/* The contact's key when the user may see it; 0 after an error in r. */
static uint64_t contact_key(struct web *w, const struct web_call *call,
                            struct web_reply *r, char tenant[64])
{
	const struct desk_contact *live;
	json_t *j = web_contact_lookup(w, call, r, &live);
	uint64_t key;

	if (!j)
		return 0;
	key = (uint64_t)json_integer_value(json_object_get(j, "id"));
	snprintf(tenant, 64, "%s",
	         json_string_value(json_object_get(j, "tenant"))
	             ? json_string_value(json_object_get(j, "tenant"))
	             : "");
	json_decref(j);
	if (!w->store) {
		web_reply_error(r, 409, "no-store",
		                "this daemon keeps no recordings");
		return 0;
	}
	(void)store_flush(w->store); /* a recording that just ended */
	return key;
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

static int list_h(const struct store_recording *g, void *arg)
{
	json_t *list = arg;
	/* duration_ms null: going on, or the daemon stopped first */
	json_t *j = json_pack(
	    "{s:I,s:s?,s:s?,s:s?,s:o,s:o,s:b,s:s?}", "id", (json_int_t)g->key,
	    "tenant", g->tenant, "queue", g->queue, "agent", g->agent,
	    "started", web_time_json(g->started_ms), "duration_ms",
	    g->duration_ms >= 0 ? json_integer(g->duration_ms) : json_null(),
	    "available", g->path != NULL, "file", base_name(g->path));

	return !j || json_array_append_new(list, j) ? ENOMEM : 0;
}

/* GET /api/v1/contacts/{id}/recordings */
void web_api_contact_recordings(struct web *w, struct web_call *call,
                                struct web_reply *r)
{
	char tenant[64];
	uint64_t key = contact_key(w, call, r, tenant);
	json_t *list;
	int err;

	if (!key)
		return;
	list = json_array();
	err = list ? store_contact_recordings(w->store, key, list_h, list)
	           : ENOMEM;
	if (err) {
		json_decref(list);
		web_reply_error(r, 503, "store-unavailable",
		                "the recordings cannot be read now (%s)",
		                strerror(err));
		return;
	}
	web_reply_json(
	    r, 200,
	    json_pack("{s:I,s:o}", "id", (json_int_t)key, "recordings", list));
}

struct wanted {
	uint64_t id;
	char path[512];
	bool found;
};

static int find_h(const struct store_recording *g, void *arg)
{
	struct wanted *want = arg;

	if (g->key != want->id)
		return 0;
	want->found = true;
	snprintf(want->path, sizeof(want->path), "%s", g->path ? g->path : "");
	return 0;
}

/* The file at path into r's body as audio/wav; an errno. */
static int file_reply(struct web_reply *r, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct mbuf *mb = NULL;
	long size;
	int err = 0;

	if (!f)
		return errno;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    (unsigned long)size > RECORDING_MAX_BYTES || fseek(f, 0, SEEK_SET))
		err = EFBIG;
	if (!err && !(mb = mbuf_alloc((size_t)size + 1)))
		err = ENOMEM;
	if (!err && size && fread(mb->buf, 1, (size_t)size, f) != (size_t)size)
		err = EIO;
	fclose(f);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->end = (size_t)size;
	mem_deref(r->body);
	r->body = mb;
	r->status = 200;
	r->ctype = "audio/wav";
	return 0;
}

/* GET /api/v1/contacts/{id}/recordings/{recording}: the WAV. */
void web_api_contact_recording(struct web *w, struct web_call *call,
                               struct web_reply *r)
{
	char tenant[64], object[128];
	uint64_t key = contact_key(w, call, r, tenant);
	struct wanted want = {0};
	char *end;
	int err;

	if (!key)
		return;
	errno = 0;
	want.id = strtoull(call->params[1], &end, 10);
	if (*end || errno || !want.id ||
	    store_contact_recordings(w->store, key, find_h, &want) ||
	    !want.found) {
		web_reply_error(r, 404, "not-found",
		                "contact %" PRIu64 " has no recording %s", key,
		                call->params[1]);
		return;
	}
	if (!want.path[0]) {
		web_reply_error(r, 410, "deleted",
		                "recording %s was deleted (retention)",
		                call->params[1]);
		return;
	}
	err = file_reply(r, want.path);
	if (err) {
		log_event(LOG_ERROR, "http.recording-unreadable",
		          "contact=%" PRIu64 " recording=%s error=%s", key,
		          call->params[1], strerror(err));
		web_reply_error(r, err == ENOENT ? 410 : 503,
		                err == ENOENT ? "deleted" : "unreadable",
		                "recording %s cannot be read (%s)",
		                call->params[1], strerror(err));
		return;
	}
	log_event(LOG_INFO, "http.recording-download",
	          "contact=%" PRIu64 " recording=%s user=%s", key,
	          call->params[1], call->user->name);
	snprintf(object, sizeof(object), "contact %" PRIu64 " recording %s",
	         key, call->params[1]);
	web_audit(w, call->user->name, tenant, "recording-download", object,
	          NULL);
}
