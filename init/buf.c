/* Growable byte buffers and the little text parsing both sides share. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay.h"

int buf_reserve(struct buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->cap - b->len >= n)
		return 0;
	if (n > SIZE_MAX / 2 - b->len)
		return -1;
	/* Doubling keeps appends cheap; a large known size is allocated exactly. */
	cap = b->cap * 2;
	if (cap < b->len + n)
		cap = b->len + n;
	p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return 0;
	if (buf_reserve(b, n))
		return -1;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_num(struct buf *b, unsigned long long v)
{
	char t[24], *p = t + sizeof t;

	do
		*--p = '0' + v % 10;
	while (v /= 10);
	return buf_add(b, p, t + sizeof t - p);
}

void buf_free(struct buf *b)
{
	free(b->p);
	*b = (struct buf){0};
}

int parse_dec(const char *p, size_t n, unsigned long long *v)
{
	*v = 0;
	if (!n)
		return -1;
	for (; n; p++, n--) {
		if (*p < '0' || *p > '9' || *v > (~0ULL - 9) / 10)
			return -1;
		*v = *v * 10 + (*p - '0');
	}
	return 0;
}

/* Case-insensitive match against a lower-case literal. ASCII only: glibc's strncasecmp
 * would bring 25 KiB of CPU-specific variants into the static binary. */
int iequal(const char *p, size_t n, const char *lit)
{
	for (; n && *lit; p++, lit++, n--)
		if ((*p >= 'A' && *p <= 'Z' ? *p | 0x20 : *p) != *lit)
			return 0;
	return !n && !*lit;
}
