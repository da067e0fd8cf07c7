/* Reading HTTP/1.1 requests off a connection: request line, headers, Content-Length and chunked bodies. */
#include <stdlib.h>
#include <string.h>

#include "http_conn.h"

static unsigned long long next_id = 1;

static int is_tchar(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static size_t token_len(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && is_tchar(p[i]))
		i++;
	return i;
}

static size_t line_len(const char *s, const char *nl)
{
	return nl > s && nl[-1] == '\r' ? (size_t)(nl - s - 1) : (size_t)(nl - s);
}

/* Whether a comma-separated header value lists `tok`. */
static int has_token(const char *v, size_t n, const char *tok)
{
	const char *end = v + n, *e;

	while (v < end) {
		while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
			v++;
		for (e = v; e < end && *e != ','; e++)
			;
		n = e - v;
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (iequal(v, n, tok))
			return 1;
		v = e;
	}
	return 0;
}

/* A line ending: LF or CRLF (the bare-LF leniency RFC 9112 allows). */
static size_t crlf(struct conn *c, const char *p, size_t avail)
{
	if (p[0] == '\n')
		return 1;
	if (p[0] == '\r' && avail < 2)
		return 0;
	if (p[0] == '\r' && p[1] == '\n')
		return 2;
	conn_fail(c, 400);
	return 0;
}

/* Request line and headers; a complete head becomes the start of a REQUEST frame. */
static size_t parse_head(struct conn *c, const char *p, size_t avail)
{
	const char *end = p + avail, *line, *nl, *eoh = NULL, *target, *ver;
	unsigned long long cl = 0, v;
	int have_cl = 0, chunked = 0, want_close = 0, expect = 0, http10, err, status;
	size_t len, mlen, tlen, nlen;
	struct req *r;

	if (p[0] == '\r' || p[0] == '\n')
		return crlf(c, p, avail); /* stray empty lines before a request are ignored */
	for (line = p; (nl = memchr(line, '\n', end - line)); line = nl + 1)
		if (!line_len(line, nl)) {
			eoh = nl + 1;
			break;
		}
	if (!eoh)
		return 0;

	nl = memchr(p, '\n', eoh - p);
	len = line_len(p, nl);
	mlen = token_len(p, len);
	target = p + mlen + 1;
	for (tlen = 0; mlen + 1 + tlen < len && target[tlen] > ' ' && target[tlen] < 0x7f; tlen++)
		;
	ver = target + tlen + 1;
	if (!mlen || p[mlen] != ' ' || !tlen || ver + 8 != p + len || ver[-1] != ' ' ||
	    (memcmp(ver, "HTTP/1.1", 8) && memcmp(ver, "HTTP/1.0", 8))) {
		conn_fail(c, 400);
		return 0;
	}
	http10 = ver[7] == '0';

	if (!(r = calloc(1, sizeof *r))) {
		conn_fail(c, 500);
		return 0;
	}
	c->req = r;
	r->conn = c;
	r->id = next_id++;
	err = buf_str(&r->head, "REQUEST ") || buf_num(&r->head, r->id) || buf_str(&r->head, " ") ||
	      buf_add(&r->head, p, mlen + 1 + tlen) || buf_str(&r->head, "\n");
	for (line = nl + 1; (len = line_len(line, nl = memchr(line, '\n', eoh - line))); line = nl + 1) {
		const char *val, *vend = line + len, *q;

		nlen = token_len(line, len);
		if (!nlen || nlen == len || line[nlen] != ':') {
			conn_fail(c, 400); /* also rejects obsolete line folding */
			return 0;
		}
		for (val = line + nlen + 1; val < vend && (*val == ' ' || *val == '\t'); val++)
			;
		while (vend > val && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		for (q = val; q < vend; q++)
			if ((unsigned char)*q < ' ' ? *q != '\t' : *q == 0x7f) {
				conn_fail(c, 400);
				return 0;
			}
		if (iequal(line, nlen, "content-length")) {
			if (parse_dec(val, vend - val, &v) || (have_cl && v != cl)) {
				conn_fail(c, 400);
				return 0;
			}
			have_cl = 1;
			cl = v;
		} else if (iequal(line, nlen, "transfer-encoding")) {
			if (chunked || !iequal(val, vend - val, "chunked")) {
				conn_fail(c, chunked ? 400 : 501);
				return 0;
			}
			chunked = 1;
		} else if (iequal(line, nlen, "connection")) {
			want_close |= has_token(val, vend - val, "close");
		} else if (!iequal(line, nlen, "host")) {
			if (iequal(line, nlen, "expect"))
				expect = iequal(val, vend - val, "100-continue");
			err |= buf_add(&r->head, line, nlen) || buf_str(&r->head, ": ") ||
			       buf_add(&r->head, val, vend - val) || buf_str(&r->head, "\n");
		}
	}

	status = err ? 500 : chunked && have_cl ? 400 : cl > BODY_MAX ? 413 : 0;
	if (!status && !chunked && buf_reserve(&r->body, cl))
		status = 500;
	if (status) {
		conn_fail(c, status);
		return 0;
	}
	c->keep_alive = !http10 && !want_close;
	if (expect && !http10 && (chunked || cl))
		conn_out_add(c, "HTTP/1.1 100 Continue\r\n\r\n");
	if (chunked) {
		c->rd = RD_CHUNK_SIZE;
	} else if (cl) {
		c->left = cl;
		c->rd = RD_BODY;
	} else {
		conn_submit(c);
	}
	return eoh - p;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

static size_t chunk_size(struct conn *c, const char *p, size_t avail)
{
	const char *nl = memchr(p, '\n', avail), *q, *e;
	size_t size = 0;

	if (!nl)
		return 0;
	for (q = p; q < nl && hexval(*q) >= 0; q++)
		if (size <= BODY_MAX) /* saturates: anything larger is refused below */
			size = size * 16 + hexval(*q);
	for (e = p + line_len(p, nl); q < e && (*q == ' ' || *q == '\t'); q++)
		;
	if (q == p || (q < e && *q != ';')) { /* chunk extensions after ';' are ignored */
		conn_fail(c, 400);
		return 0;
	}
	if (size > BODY_MAX - c->req->body.len) {
		conn_fail(c, 413);
		return 0;
	}
	if (buf_reserve(&c->req->body, size)) {
		conn_fail(c, 500);
		return 0;
	}
	c->left = size;
	c->rd = size ? RD_CHUNK_DATA : RD_TRAILER;
	return nl + 1 - p;
}

static size_t take_body(struct conn *c, const char *p, size_t avail)
{
	size_t n = avail < c->left ? avail : c->left;

	buf_add(&c->req->body, p, n); /* space was reserved */
	if (!(c->left -= n)) {
		if (c->rd == RD_BODY)
			conn_submit(c);
		else
			c->rd = RD_CHUNK_END;
	}
	return n;
}

/* Trailer fields are read and dropped; the empty line ends the request. */
static size_t trailer(struct conn *c, const char *p, size_t avail)
{
	const char *nl = memchr(p, '\n', avail);

	if (!nl)
		return 0;
	if (!line_len(p, nl))
		conn_submit(c);
	return nl + 1 - p;
}

/* Parses what has been read, up to one complete request. */
void conn_parse(struct conn *c)
{
	size_t used = 0, n = 1;

	while (n && used < c->in_len) {
		const char *p = c->in + used;
		size_t avail = c->in_len - used;

		switch (c->rd) {
		case RD_HEAD:
			n = parse_head(c, p, avail);
			break;
		case RD_BODY:
		case RD_CHUNK_DATA:
			n = take_body(c, p, avail);
			break;
		case RD_CHUNK_SIZE:
			n = chunk_size(c, p, avail);
			break;
		case RD_CHUNK_END:
			if ((n = crlf(c, p, avail)))
				c->rd = RD_CHUNK_SIZE;
			break;
		case RD_TRAILER:
			n = trailer(c, p, avail);
			break;
		default:
			n = 0;
		}
		used += n;
	}
	if (c->rd == RD_DRAIN)
		used = c->in_len;
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	if (c->in_len == sizeof c->in && c->rd != RD_WAIT)
		conn_fail(c, c->rd == RD_HEAD ? 431 : 400); /* a head or chunk line that does not fit */
}
