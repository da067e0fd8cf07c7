/* The function side: a small HTTP/1.1 server turning requests into REQUEST frames. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.h"

enum rd {
	RD_HEAD,
	RD_BODY,       /* Content-Length body */
	RD_CHUNK_SIZE, /* chunked body ... */
	RD_CHUNK_DATA,
	RD_CHUNK_END,
	RD_TRAILER,
	RD_WAIT,  /* request handed to the channel, waiting for its response */
	RD_DRAIN, /* closing: send what is queued, then discard input until the client closes */
};

struct conn {
	int fd, slot;
	enum rd rd;
	int keep_alive;
	int shut;        /* write side shut down (RD_DRAIN) */
	struct req *req; /* being read, or in flight (RD_WAIT) */
	size_t left;     /* body or chunk bytes still to read */
	struct buf out;  /* bytes past `ready` belong to a response still arriving */
	size_t out_off, ready;
	size_t in_len;
	char in[HEAD_MAX]; /* last: left untouched (and not resident) until used */
};

static int lfd = -1;
static struct conn *conns[MAX_CONNS];
static int nconns;
static unsigned long long next_id = 1;

void http_listen(const char *spec)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} a = {0};
	const char *colon = strrchr(spec, ':');
	unsigned long long port;
	char host[64];
	size_t hlen;
	int one = 1, ok;

	if (!colon || (hlen = colon - spec) >= sizeof host || parse_dec(colon + 1, strlen(colon + 1), &port) ||
	    port > 65535)
		die("bad AWS_LAMBDA_RUNTIME_API: %s", spec);
	memcpy(host, spec, hlen);
	host[hlen] = 0;
	if (hlen > 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = 0;
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_port = htons(port);
		ok = inet_pton(AF_INET6, host + 1, &a.in6.sin6_addr);
	} else {
		a.in.sin_family = AF_INET;
		a.in.sin_port = htons(port);
		ok = inet_pton(AF_INET, strcmp(host, "localhost") ? host : "127.0.0.1", &a.in.sin_addr);
	}
	if (ok != 1)
		die("bad AWS_LAMBDA_RUNTIME_API: %s", spec);
	lfd = socket(a.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(lfd, &a.sa, a.sa.sa_family == AF_INET ? sizeof a.in : sizeof a.in6) || listen(lfd, SOMAXCONN))
		die("listen on %s: %s", spec, strerror(errno));
}

static void out_trim(struct conn *c)
{
	if (c->out_off == c->out.len) {
		buf_free(&c->out);
		c->out_off = c->ready = 0;
	}
}

static void out_add(struct conn *c, const char *s)
{
	buf_str(&c->out, s);
	c->ready = c->out.len;
}

/* Answers locally and closes: the request, if any, never reaches the agent. */
static void fail(struct conn *c, int status)
{
	const char *line = status == 400   ? "400 Bad Request"
			   : status == 413 ? "413 Content Too Large"
			   : status == 431 ? "431 Request Header Fields Too Large"
			   : status == 501 ? "501 Not Implemented"
			   : status == 502 ? "502 Bad Gateway"
					   : "500 Internal Server Error";

	if (c->req)
		req_free(c->req);
	c->req = NULL;
	out_add(c, "HTTP/1.1 ");
	out_add(c, line);
	out_add(c, "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	c->rd = RD_DRAIN;
}

static void submit(struct conn *c)
{
	struct req *r = c->req;
	int err = 0;

	if (r->body.len)
		err = buf_str(&r->head, "Content-Length: ") || buf_num(&r->head, r->body.len) ||
		      buf_str(&r->head, "\n");
	if (err || buf_str(&r->head, "\n")) {
		fail(c, 500);
		return;
	}
	c->rd = RD_WAIT;
	chan_submit(r);
}

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
	fail(c, 400);
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
		fail(c, 400);
		return 0;
	}
	http10 = ver[7] == '0';

	if (!(r = calloc(1, sizeof *r))) {
		fail(c, 500);
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
			fail(c, 400); /* also rejects obsolete line folding */
			return 0;
		}
		for (val = line + nlen + 1; val < vend && (*val == ' ' || *val == '\t'); val++)
			;
		while (vend > val && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		for (q = val; q < vend; q++)
			if ((unsigned char)*q < ' ' ? *q != '\t' : *q == 0x7f) {
				fail(c, 400);
				return 0;
			}
		if (iequal(line, nlen, "content-length")) {
			if (parse_dec(val, vend - val, &v) || (have_cl && v != cl)) {
				fail(c, 400);
				return 0;
			}
			have_cl = 1;
			cl = v;
		} else if (iequal(line, nlen, "transfer-encoding")) {
			if (chunked || !iequal(val, vend - val, "chunked")) {
				fail(c, chunked ? 400 : 501);
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
		fail(c, status);
		return 0;
	}
	c->keep_alive = !http10 && !want_close;
	if (expect && !http10 && (chunked || cl))
		out_add(c, "HTTP/1.1 100 Continue\r\n\r\n");
	if (chunked) {
		c->rd = RD_CHUNK_SIZE;
	} else if (cl) {
		c->left = cl;
		c->rd = RD_BODY;
	} else {
		submit(c);
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
		fail(c, 400);
		return 0;
	}
	if (size > BODY_MAX - c->req->body.len) {
		fail(c, 413);
		return 0;
	}
	if (buf_reserve(&c->req->body, size)) {
		fail(c, 500);
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
			submit(c);
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
		submit(c);
	return nl + 1 - p;
}

/* Parses what has been read, up to one complete request. */
static void conn_parse(struct conn *c)
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
		fail(c, c->rd == RD_HEAD ? 431 : 400); /* a head or chunk line that does not fit */
}

static void conn_close(struct conn *c)
{
	if (c->req && c->rd == RD_WAIT)
		chan_drop(c->req);
	else if (c->req)
		req_free(c->req);
	buf_free(&c->out);
	close(c->fd);
	conns[c->slot] = NULL;
	nconns--;
	free(c);
}

static int conn_write(struct conn *c)
{
	ssize_t n = send(c->fd, c->out.p + c->out_off, c->ready - c->out_off, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	c->out_off += n;
	out_trim(c);
	return 0;
}

static int conn_read(struct conn *c)
{
	ssize_t n;

	if (c->rd == RD_DRAIN) {
		n = read(c->fd, c->in, sizeof c->in);
	} else {
		n = read(c->fd, c->in + c->in_len, sizeof c->in - c->in_len);
		if (n > 0) {
			c->in_len += n;
			conn_parse(c);
		}
	}
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	return n ? 0 : -1; /* the client closed: an unfinished request is dropped */
}

static void conn_event(struct conn *c, short rev)
{
	if (rev & POLLOUT && conn_write(c))
		conn_close(c);
	else if (c->rd == RD_WAIT && rev & (POLLRDHUP | POLLHUP | POLLERR))
		conn_close(c); /* gone while waiting: forget the request */
	else if (c->rd != RD_WAIT && rev & (POLLIN | POLLHUP | POLLERR) && conn_read(c))
		conn_close(c);
}

static void accept_conns(void)
{
	int fd, one = 1, i;
	struct conn *c;

	while (nconns < MAX_CONNS && (fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (!(c = malloc(sizeof *c))) {
			close(fd);
			return;
		}
		memset(c, 0, offsetof(struct conn, in));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		for (i = 0; conns[i]; i++)
			;
		c->fd = fd;
		c->slot = i;
		c->rd = RD_HEAD;
		conns[i] = c;
		nconns++;
	}
}

int http_fill(struct pollfd *p)
{
	int i;

	p[0] = (struct pollfd){nconns < MAX_CONNS ? lfd : -1, POLLIN, 0};
	for (i = 0; i < MAX_CONNS; i++) {
		struct conn *c = conns[i];
		short ev = 0;

		if (c && c->rd == RD_DRAIN && !c->shut && !c->out.len) {
			shutdown(c->fd, SHUT_WR); /* all sent: linger on input so the answer is not reset */
			c->shut = 1;
		}
		if (c && c->out_off < c->ready)
			ev |= POLLOUT;
		if (c && c->rd == RD_WAIT)
			ev |= POLLRDHUP; /* the pending request's client may go away */
		else if (c && (c->rd != RD_DRAIN || c->shut))
			ev |= POLLIN;
		p[1 + i] = (struct pollfd){c ? c->fd : -1, ev, 0};
	}
	return 1 + MAX_CONNS;
}

void http_events(const struct pollfd *p)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i] && p[1 + i].revents)
			conn_event(conns[i], p[1 + i].revents);
	if (p[0].revents & POLLIN)
		accept_conns();
}

/* The agent's answer is built in place; nothing of it is sent before it is complete. */
int http_respond_begin(struct req *r, const char *status, const char *reason, size_t rlen,
		       const char *hdrs, size_t hlen, size_t body_len)
{
	struct conn *c = r->conn;
	struct buf *o = &c->out;
	const char *p = hdrs;
	struct hdr h;
	int err;

	err = buf_str(o, "HTTP/1.1 ") || buf_add(o, status, 3) || buf_str(o, " ") || buf_add(o, reason, rlen) ||
	      buf_str(o, "\r\n");
	while (frame_header(&p, hdrs + hlen, &h) > 0)
		if (!iequal(h.name, h.nlen, "content-length") && !iequal(h.name, h.nlen, "transfer-encoding") &&
		    !iequal(h.name, h.nlen, "connection"))
			err |= buf_add(o, h.name, h.nlen) || buf_str(o, ": ") || buf_add(o, h.value, h.vlen) ||
			       buf_str(o, "\r\n");
	err |= buf_str(o, "Content-Length: ") || buf_num(o, body_len) ||
	       buf_str(o, c->keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n") || buf_reserve(o, body_len);
	if (!err)
		return 0;
	http_respond_abort(r);
	c->req = NULL; /* the caller forgets it */
	fail(c, 502);
	return -1;
}

void http_respond_body(struct req *r, const char *p, size_t n)
{
	buf_add(&r->conn->out, p, n); /* space was reserved */
}

void http_respond_end(struct req *r)
{
	struct conn *c = r->conn;

	c->ready = c->out.len;
	c->req = NULL;
	c->rd = c->keep_alive ? RD_HEAD : RD_DRAIN;
	conn_parse(c); /* a pipelined request may be waiting */
}

void http_respond_abort(struct req *r)
{
	struct conn *c = r->conn;

	c->out.len = c->ready;
	out_trim(c);
}
