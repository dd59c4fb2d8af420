/* t.h: the unit-test harness. Each test file defines tests with T_TEST
 * and lists them in T_MAIN; a failed check prints file:line and the
 * values, and the binary exits 1 if any check failed. */
#ifndef ECHOMX_T_H
#define ECHOMX_T_H
#include <stdio.h>
#include <string.h>

static int t_failed, t_checks;

#define T_CHECK(cond) do { t_checks++; if (!(cond)) { t_failed++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
	    #cond); } } while (0)
#define T_EQ_INT(a, b) do { long long t_a = (long long)(a), \
	t_b = (long long)(b); t_checks++; if (t_a != t_b) { t_failed++; \
	fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, \
	    __LINE__, #a, t_a, t_b); } } while (0)
#define T_EQ_STR(a, b) do { const char *t_a = (a), *t_b = (b); \
	t_checks++; if (t_a == NULL || t_b == NULL || strcmp(t_a, t_b)) { \
	t_failed++; fprintf(stderr, "%s:%d: %s == \"%s\", expected " \
	"\"%s\"\n", __FILE__, __LINE__, #a, t_a ? t_a : "(null)", \
	t_b ? t_b : "(null)"); } } while (0)
#define T_CONTAINS(hay, needle) do { const char *t_h = (hay); \
	t_checks++; if (t_h == NULL || strstr(t_h, (needle)) == NULL) { \
	t_failed++; fprintf(stderr, "%s:%d: \"%s\" does not contain " \
	"\"%s\"\n", __FILE__, __LINE__, t_h ? t_h : "(null)", (needle)); } \
	} while (0)

typedef void (*t_fn)(void);
struct t_case { const char *name; t_fn fn; };
#define T_MAIN(...) int main(void) { \
	static const struct t_case t_cases[] = { __VA_ARGS__ }; \
	size_t t_i; \
	for (t_i = 0; t_i < sizeof(t_cases) / sizeof(t_cases[0]); t_i++) { \
		int t_before = t_failed; \
		t_cases[t_i].fn(); \
		printf("%s %s\n", t_failed == t_before ? "ok  " : "FAIL", \
		    t_cases[t_i].name); \
	} \
	printf("%d checks, %d failed\n", t_checks, t_failed); \
	return t_failed ? 1 : 0; }
#define T_CASE(fn) { #fn, fn }

#endif
