/*
 * reply.c - replies of the REST API and the JSON bodies it reads.
 *
 * Every error is {"error": {"code": "...", "message": "..."}} and the
 * message names the field at fault, so a client's developer fixes the
 * request without reading our source.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "web/web_int.h"

void web_reply_reset(struct web_reply *r)
{
	mem_deref(r->body);
	memset(r, 0, sizeof(*r));
}

const char *web_reason(uint16_t status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 301:
		return "Moved Permanently";
	case 302:
		return "Found";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "Payload Too Large";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

void web_reply_json(struct web_reply *r, uint16_t status, json_t *json)
{
	char *text = json ? json_dumps(json, JSON_COMPACT) : NULL;
	json_decref(json);
	mem_deref(r->body);
	r->body = text ? mbuf_alloc(strlen(text) + 1) : NULL;
	if (!r->body || mbuf_write_str(r->body, text)) {
		/* Out of memory: a fixed answer that needs no allocation. */
		r->body = mem_deref(r->body);
		r->status = 500;
		r->ctype = "application/json";
		free(text);
		return;
	}
	free(text);
	r->status = status;
	r->ctype = "application/json";
}

void web_reply_error(struct web_reply *r, uint16_t status, const char *code,
                     const char *fmt, ...)
{
	char message[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	web_reply_json(r, status,
	               json_pack("{s:{s:s,s:s}}", "error", "code", code,
	                         "message", message));
}

static bool key_known(const char *key, const char *const *keys)
{
	for (; *keys; keys++) {
		if (!strcmp(key, *keys))
			return true;
	}
	return false;
}

json_t *web_body_object(const struct web_call *call, struct web_reply *r,
                        const char *const *keys)
{
	json_error_t jerr;
	const char *key;
	json_t *obj, *val;

	obj = json_loadb((const char *)call->body, call->body_len,
	                 JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		web_reply_error(r, 400, "bad-json",
		                "the body is not JSON: %s (line %d, column %d)",
		                jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(obj)) {
		web_reply_error(r, 400, "bad-json",
		                "the body must be a JSON object");
		goto fail;
	}
	json_object_foreach(obj, key, val)
	{
		if (!key_known(key, keys)) {
			/* The key is printable only up to a point: cut it. */
			web_reply_error(r, 400, "unknown-field",
			                "unknown field '%.64s'", key);
			goto fail;
		}
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

bool web_field_string(struct web_reply *r, json_t *obj, const char *key,
                      bool required, size_t max, const char **valp)
{
	json_t *v = json_object_get(obj, key);
	*valp = NULL;
	if (!v) {
		if (required)
			web_reply_error(r, 400, "missing-field",
			                "field '%s' is required", key);
		return !required;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) >= max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		web_reply_error(r, 400, "bad-field",
		                "field '%s' must be a string of 1 to %zu "
		                "characters",
		                key, max - 1);
		return false;
	}
	*valp = json_string_value(v);
	return true;
}

bool web_field_bool(struct web_reply *r, json_t *obj, const char *key,
                    bool required, bool *valp)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		if (required)
			web_reply_error(r, 400, "missing-field",
			                "field '%s' is required", key);
		return !required;
	}
	if (!json_is_boolean(v)) {
		web_reply_error(r, 400, "bad-field",
		                "field '%s' must be true or false", key);
		return false;
	}
	*valp = json_is_true(v);
	return true;
}

uint64_t web_key_param(const struct web_call *call)
{
	const char *p = call->params[0];
	uint64_t v = 0;

	if (*p < '1' || *p > '9' || strlen(p) > 19)
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return v;
}
