/*
 * pages.c - the browser pages (web/: the agent desktop, the wallboard,
 * the chat widget) served from a folder on the API's own port, so that
 * pages and API share one origin and the HttpOnly session cookie and
 * its CSRF header work without CORS.
 *
 * The request path is checked before it comes near the file system:
 * segments of letters, digits, '.', '-' and '_' only, none starting with
 * '.', none empty, no encoded '/' or '\' or NUL. What passes is resolved
 * with realpath() and must still lie inside the folder (a symbolic link
 * out of it is refused), and only files of a known type are served. We
 * chose a whitelist over "reject '..'": it cannot miss an encoding we
 * did not think of.
 *
 * Every page carries a Content-Security-Policy that allows scripts,
 * styles and connections to this origin only, no inline script: one
 * injected <script> cannot run, nor send the page's data elsewhere.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "web/web_int.h"

#define PAGE_FILE_MAX (4 * 1024 * 1024) /* larger files are not served */
#define PAGE_HOME     "/agent/"         /* where "/" sends a browser */

struct page_type {
	const char *ext;
	const char *ctype;
};

static const struct page_type types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
};

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool name_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
}

int web_page_path(const struct pl *path, char *rel, size_t size)
{
	size_t n = 0;
	bool seg_start = true;

	if (!path || !rel || size < 2 || !path->p || path->l < 1 ||
	    path->p[0] != '/')
		return EINVAL;
	for (size_t i = 1; i < path->l; i++) {
		int ch = (unsigned char)path->p[i];
		if (ch == '/') {
			if (seg_start) /* "//": an empty segment */
				return EINVAL;
			seg_start = true;
			if (n + 1 >= size)
				return ENAMETOOLONG;
			rel[n++] = '/';
			continue;
		}
		if (ch == '%') {
			int hi, lo;
			if (i + 2 >= path->l)
				return EINVAL;
			hi = hexval(path->p[i + 1]);
			lo = hexval(path->p[i + 2]);
			if (hi < 0 || lo < 0)
				return EINVAL;
			ch = hi * 16 + lo; /* '/', '\\', NUL fail below */
			i += 2;
		}
		if (!name_char(ch) || (seg_start && ch == '.'))
			return EINVAL;
		seg_start = false;
		if (n + 1 >= size)
			return ENAMETOOLONG;
		rel[n++] = (char)ch;
	}
	rel[n] = '\0';
	if (seg_start) { /* "/" or ".../": the folder's index */
		static const char index[] = "index.html";
		if (n + sizeof(index) > size)
			return ENAMETOOLONG;
		memcpy(rel + n, index, sizeof(index));
	}
	return 0;
}

const char *web_page_type(const char *rel)
{
	const char *dot = strrchr(rel, '.');

	if (!dot || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strcmp(dot, types[i].ext))
			return types[i].ctype;
	}
	return NULL;
}

int web_pages_open(struct web *w, const char *dir)
{
	char real[PATH_MAX];
	struct stat st;

	w->pages[0] = '\0';
	if (!dir || !dir[0])
		return 0;
	errno = 0;
	if (!realpath(dir, real) || stat(real, &st) || !S_ISDIR(st.st_mode)) {
		log_event(LOG_WARN, "http.pages-missing", "dir=%s error=\"%s\"",
		          dir, errno ? strerror(errno) : "not a folder");
		return ENOENT;
	}
	if (strlen(real) >= sizeof(w->pages))
		return ENAMETOOLONG;
	memcpy(w->pages, real, strlen(real) + 1); /* fits: checked above */
	return 0;
}

/* Is the path one of the API's (or /metrics), not a page? */
static bool api_path(const struct pl *path)
{
	static const char api[] = "/api/";
	if (path->l >= sizeof(api) - 1 &&
	    !memcmp(path->p, api, sizeof(api) - 1))
		return true;
	return !pl_strcmp(path, "/api") || !pl_strcmp(path, "/metrics");
}

/* The file's bytes into r's body; false on any failure (the caller
 * answers 404: a file that cannot be read is as one that is not). */
static bool file_read(int fd, size_t len, struct web_reply *r)
{
	size_t got = 0;

	r->body = mbuf_alloc(len ? len : 1);
	if (!r->body)
		return false;
	while (got < len) {
		ssize_t k = read(fd, r->body->buf + got, len - got);
		if (k <= 0)
			return false;
		got += (size_t)k;
	}
	r->body->end = got;
	return true;
}

/* The ETag of a file: its size and modification time. */
static void etag_of(const struct stat *st, char *out, size_t size)
{
	snprintf(out, size, "\"%llx-%llx-%lx\"",
	         (unsigned long long)st->st_size,
	         (unsigned long long)st->st_mtim.tv_sec,
	         (unsigned long)st->st_mtim.tv_nsec);
}

static bool not_modified(const struct http_msg *msg, const char *etag)
{
	const struct http_hdr *h = http_msg_hdr(msg, HTTP_HDR_IF_NONE_MATCH);
	return h && !pl_strcmp(&h->val, etag);
}

static void not_found(struct web_reply *r)
{
	web_reply_error(r, 404, "not-found", "no such page");
}

/* Serve rel (checked) from the folder. */
static void page_send(struct web *w, const struct http_msg *msg,
                      const char *rel, struct web_reply *r)
{
	char full[PATH_MAX], real[PATH_MAX];
	size_t dlen = strlen(w->pages);
	const char *ctype;
	struct stat st;
	int fd = -1;

	if ((size_t)snprintf(full, sizeof(full), "%s/%s", w->pages, rel) >=
	        sizeof(full) ||
	    !realpath(full, real) || strncmp(real, w->pages, dlen) ||
	    real[dlen] != '/' || stat(real, &st))
		goto missing;
	if (S_ISDIR(st.st_mode)) {
		/* "/agent" -> "/agent/": relative links in it then work */
		if (snprintf(r->location, sizeof(r->location), "/%s/", rel) >=
		    (int)sizeof(r->location))
			goto missing;
		r->status = 301;
		return;
	}
	ctype = web_page_type(rel);
	if (!ctype || !S_ISREG(st.st_mode) || st.st_size > PAGE_FILE_MAX)
		goto missing;
	etag_of(&st, r->etag, sizeof(r->etag));
	r->page = true;
	r->cache_control = "no-cache"; /* revalidate: cheap with the ETag */
	if (not_modified(msg, r->etag)) {
		r->status = 304;
		return;
	}
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || !file_read(fd, (size_t)st.st_size, r))
		goto missing;
	close(fd);
	r->status = 200;
	r->ctype = ctype;
	return;
missing:
	if (fd >= 0)
		close(fd);
	r->body = mem_deref(r->body);
	r->page = false;
	r->etag[0] = '\0';
	r->cache_control = NULL;
	not_found(r);
}

bool web_pages_serve(struct web *w, const struct http_msg *msg,
                     struct web_reply *r)
{
	char rel[256];

	if (!w->pages[0] || api_path(&msg->path))
		return false;
	if (pl_strcmp(&msg->met, "GET")) {
		r->allow = "GET";
		web_reply_error(r, 405, "method-not-allowed",
		                "pages accept GET only");
		return true;
	}
	if (!pl_strcmp(&msg->path, "/")) {
		snprintf(r->location, sizeof(r->location), "%s", PAGE_HOME);
		r->status = 302;
		return true;
	}
	if (web_page_path(&msg->path, rel, sizeof(rel)))
		not_found(r);
	else
		page_send(w, msg, rel, r);
	return true;
}
