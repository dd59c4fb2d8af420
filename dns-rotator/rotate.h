/* rotate: the MX preference rotation and the time arithmetic of the
 * dns-rotator, as pure functions of the time (unit-tested). */
#ifndef ECHOMX_ROTATE_H
#define ECHOMX_ROTATE_H
#include <stddef.h>
#include <stdint.h>

#define ROTATE_PREF_STEP	10

/* Preference of MX number i (0-based, configuration order) of n at time
 * now with rotation period 'period' seconds: in slot now / period the MX
 * (slot mod n) has preference 10, the next 20, and so on, so every MX is
 * first in turn. period 0 means no rotation (slot 0). */
unsigned	rotate_pref(size_t i, size_t n, uint64_t now, uint64_t period);

/* Index of the MX that is first at now. */
size_t		rotate_first(size_t n, uint64_t now, uint64_t period);

/* The next rotation boundary strictly after now (now + 1 day when period
 * is 0). */
uint64_t	rotate_next(uint64_t now, uint64_t period);

/* "1767225600", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00+02:00",
 * "2026-01-01 00:00:00", "2026-01-01" (UTC unless an offset is given).
 * 0 ok, -1 not a time. */
int		rotate_parse_time(const char *s, uint64_t *out);

#endif
