/*
 * config_net.c - values of the voice sections: address literals with
 * ports, address blocks, phone numbers, languages, transports, secrets.
 *
 * Addresses are literals checked with inet_pton(), never names to look up:
 * a configuration check must not depend on DNS, and the SIP stack binds
 * literals anyway.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/config_int.h"

/* The scalar's text when it is a NUL-free scalar, else NULL (reported). */
static const char *scalar(struct cctx *c, const struct cnode *n,
                          const char *path, const char *what)
{
	char show[48];
	if (!cexpect(c, n, path, CNODE_SCALAR))
		return NULL;
	if (cnode_is_null(n) || !n->len) {
		cerr(c, n, path, "expected %s, found nothing", what);
		return NULL;
	}
	if (strlen(n->str) != n->len) {
		cerr(c, n, path, "bad %s '%s'", what,
		     cshow(show, sizeof(show), n->str, n->len));
		return NULL;
	}
	return n->str;
}

/* family of an IP literal s (no brackets) or 0; bytes into addr. */
static int ip_family(const char *s, unsigned char *addr)
{
	unsigned char buf[16];
	if (!addr)
		addr = buf;
	if (inet_pton(AF_INET, s, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, addr) == 1)
		return AF_INET6;
	return 0;
}

/* A port: 1..65535 in decimal, no sign, no leading junk. */
static bool port_parse(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	size_t len = strlen(s);
	if (!len || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* Split "a.b.c.d:p" or "[v6]:p" into host and port text; false if not. */
static bool hostport_split(const char *s, char *host, size_t size,
                           const char **port)
{
	const char *colon;
	size_t hlen;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return false;
		hlen = (size_t)(close - s - 1);
		s++;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return false; /* none, or an IPv6 literal unbracketed */
		hlen = (size_t)(colon - s);
	}
	if (!hlen || hlen >= size)
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	*port = colon + 1;
	return true;
}

bool cparse_hostport(struct cctx *c, const struct cnode *n, const char *path,
                     struct config_hostport *dst)
{
	char show[48], host[CONFIG_ADDR_MAX];
	const char *s = scalar(c, n, path, "address"), *port;
	if (!s)
		return false;
	cshow(show, sizeof(show), n->str, n->len);
	if (n->len >= sizeof(dst->text) ||
	    !hostport_split(s, host, sizeof(host), &port)) {
		cerr(c, n, path,
		     "bad address '%s'; expected HOST:PORT with an IP "
		     "literal, e.g. 127.0.0.1:5060 or [::1]:5060",
		     show);
		return false;
	}
	int family = ip_family(host, NULL);
	if (!family || (family == AF_INET6) != (s[0] == '[')) {
		cerr(c, n, path, "'%s' is not an IPv4 or [IPv6] literal", show);
		return false;
	}
	if (!port_parse(port, &dst->port)) {
		cerr(c, n, path, "bad port in '%s'; expected 1..65535", show);
		return false;
	}
	memcpy(dst->text, s, n->len + 1);
	memcpy(dst->host, host, strlen(host) + 1);
	dst->family = family;
	dst->loc = cnode_loc(n);
	return true;
}

bool cparse_ip(struct cctx *c, const struct cnode *n, const char *path,
               char *dst, size_t size)
{
	char show[48];
	const char *s = scalar(c, n, path, "address");
	if (!s)
		return false;
	if (n->len >= size || !ip_family(s, NULL)) {
		cerr(c, n, path, "'%s' is not an IPv4 or IPv6 literal",
		     cshow(show, sizeof(show), n->str, n->len));
		return false;
	}
	memcpy(dst, s, n->len + 1);
	return true;
}

bool cparse_cidr(struct cctx *c, const struct cnode *n, const char *path,
                 struct config_cidr *dst)
{
	char show[48], host[CONFIG_ADDR_MAX];
	const char *s = scalar(c, n, path, "address"), *slash;
	long prefix = -1;
	if (!s)
		return false;
	cshow(show, sizeof(show), n->str, n->len);
	slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : n->len;
	if (hlen >= sizeof(host))
		hlen = 0;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	dst->family = hlen ? ip_family(host, dst->addr) : 0;
	if (!dst->family) {
		cerr(c, n, path,
		     "bad address '%s'; expected an IP literal or a block "
		     "like 10.0.0.0/8",
		     show);
		return false;
	}
	unsigned max = dst->family == AF_INET ? 32 : 128;
	if (slash) {
		const char *p = slash + 1;
		size_t plen = strlen(p);
		if (plen >= 1 && plen <= 3 && strspn(p, "0123456789") == plen)
			prefix = strtol(p, NULL, 10);
		if (prefix < 0 || prefix > max) {
			cerr(c, n, path, "bad prefix length in '%s'; 0..%u",
			     show, max);
			return false;
		}
	}
	dst->prefix = slash ? (unsigned)prefix : max;
	dst->loc = cnode_loc(n);
	return true;
}

bool config_cidr_contains(const struct config_cidr *cidr, int family,
                          const unsigned char *addr)
{
	if (family != cidr->family)
		return false;
	unsigned full = cidr->prefix / 8, bits = cidr->prefix % 8;
	if (memcmp(cidr->addr, addr, full))
		return false;
	if (!bits)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - bits));
	return (cidr->addr[full] & mask) == (addr[full] & mask);
}

bool cparse_number(struct cctx *c, const struct cnode *n, const char *path,
                   char *dst, size_t size)
{
	char show[48];
	const char *s = scalar(c, n, path, "number");
	if (!s)
		return false;
	cshow(show, sizeof(show), n->str, n->len);
	if (n->len >= size) {
		cerr(c, n, path, "number '%s' is longer than %zu characters",
		     show, size - 1);
		return false;
	}
	if (strspn(s, "0123456789+*#") != n->len) {
		cerr(c, n, path,
		     "bad number '%s'; digits, '+', '*' and '#' only", show);
		return false;
	}
	memcpy(dst, s, n->len + 1);
	return true;
}

static const char *const language_names[] = {"", "it", "es", "en"};

const char *config_language_name(enum config_language lang)
{
	return (unsigned)lang < 4 ? language_names[lang] : "";
}

bool cparse_language(struct cctx *c, const struct cnode *n, const char *path,
                     enum config_language *dst)
{
	char show[48];
	const char *s = scalar(c, n, path, "language");
	if (!s)
		return false;
	for (int i = CONFIG_LANG_IT; i <= CONFIG_LANG_EN; i++) {
		if (!strcmp(s, language_names[i])) {
			*dst = (enum config_language)i;
			return true;
		}
	}
	cerr(c, n, path, "unsupported language '%s'; expected it, es or en",
	     cshow(show, sizeof(show), n->str, n->len));
	return false;
}

bool cparse_transport(struct cctx *c, const struct cnode *n, const char *path,
                      enum config_transport *dst)
{
	static const char *const names[] = {"udp", "tcp", "tls"};
	char show[48];
	const char *s = scalar(c, n, path, "transport");
	if (!s)
		return false;
	for (int i = 0; i < 3; i++) {
		if (!strcmp(s, names[i])) {
			*dst = (enum config_transport)i;
			return true;
		}
	}
	cerr(c, n, path, "unknown transport '%s'; expected udp, tcp or tls",
	     cshow(show, sizeof(show), n->str, n->len));
	return false;
}

bool cparse_secret(struct cctx *c, const struct cnode *n, const char *path,
                   char *dst, size_t size)
{
	if (n->type != CNODE_SCALAR || cnode_is_null(n)) {
		if (n->type != CNODE_BAD)
			cerr(c, n, path, "expected a password (a value)");
		return false;
	}
	if (n->len >= size || strlen(n->str) != n->len) {
		cerr(c, n, path,
		     "a password is at most %zu characters, without NUL",
		     size - 1);
		return false;
	}
	memcpy(dst, n->str, n->len + 1);
	return true;
}
