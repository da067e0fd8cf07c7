/* The function side: a small HTTP/1.1 server turning requests into REQUEST frames (connections and responses;
 * reading requests is http_parse.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.h"
#include "http_conn.h"

static int lfd = -1;
static struct conn *conns[MAX_CONNS];
static int nconns;

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

void conn_out_add(struct conn *c, const char *s)
{
	buf_str(&c->out, s);
	c->ready = c->out.len;
}

void conn_fail(struct conn *c, int status)
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
	conn_out_add(c, "HTTP/1.1 ");
	conn_out_add(c, line);
	conn_out_add(c, "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	c->rd = RD_DRAIN;
}

void conn_submit(struct conn *c)
{
	struct req *r = c->req;
	int err = 0;

	if (r->body.len)
		err = buf_str(&r->head, "Content-Length: ") || buf_num(&r->head, r->body.len) ||
		      buf_str(&r->head, "\n");
	if (err || buf_str(&r->head, "\n")) {
		conn_fail(c, 500);
		return;
	}
	c->rd = RD_WAIT;
	chan_submit(r);
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
	conn_fail(c, 502);
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
