/* conf: the one configuration file (Postfix-style "key = value", $key
 * expansion, "-o key=value" overrides) plus [vs NAME] sections for the
 * virtual servers. Every key is declared in conf_keys.c and documented in
 * conf/echomx.conf; a test keeps the two in step. */
#ifndef ECHOMX_CONF_H
#define ECHOMX_CONF_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sbuf;

enum conf_type {
	CONF_T_STR,		/* any text */
	CONF_T_INT,		/* integer in [min, max] */
	CONF_T_BOOL,		/* yes / no */
	CONF_T_DURATION,	/* 180, 180s, 3m, 2h, 14d */
	CONF_T_SIZE,		/* 10240000, 64k, 10M */
	CONF_T_ENUM,		/* one of choices, "a|b|c" */
	CONF_T_LIST,		/* words separated by space or comma */
	CONF_T_ENUMLIST,	/* list, each word one of choices */
	CONF_T_ADDRLIST,	/* host:port, [v6]:port, ... */
	CONF_T_PATH,		/* file or directory name */
	CONF_T_KEYFILE,		/* private key: must not be group/other
				 * readable when it exists */
};

#define CONF_SCOPE_GLOBAL	1
#define CONF_SCOPE_VS		2

struct conf_keydef {
	const char	*name;
	int		 scope;
	enum conf_type	 type;
	const char	*def;		/* default, may use $key; NULL = "" */
	const char	*choices;	/* for ENUM / ENUMLIST */
	long		 min, max;	/* for INT */
};

extern const struct conf_keydef conf_keys[];
extern const size_t conf_nkeys;

struct conf;
struct conf_vs;

struct conf	*conf_new(void);
void		 conf_free(struct conf *);

/* Parse a whole file's text (pure). Errors: "FILE:LINE: what" into err. */
int	 conf_parse(struct conf *, const char *buf, size_t len,
	    const char *fname, struct sbuf *err);
int	 conf_load_file(struct conf *, const char *path, struct sbuf *err);
/* "key=value" or "vs.NAME.key=value" (a new NAME adds a section). */
int	 conf_override(struct conf *, const char *kv, struct sbuf *err);
/* Expand $key, apply defaults, check types and key-file modes. */
int	 conf_finalize(struct conf *, struct sbuf *err);

/* Print the effective values as a valid configuration file. */
void	 conf_print(const struct conf *, FILE *);
const char *conf_path(const struct conf *);

/* Accessors after conf_finalize. Asking for an undeclared key or the
 * wrong type is a programming error and fatal. */
const char *conf_str(const struct conf *, const char *key);
long	 conf_int(const struct conf *, const char *key);
int	 conf_bool(const struct conf *, const char *key);
uint64_t conf_duration(const struct conf *, const char *key);
uint64_t conf_size(const struct conf *, const char *key);

size_t	 conf_nvs(const struct conf *);
const struct conf_vs *conf_vs_at(const struct conf *, size_t);
const struct conf_vs *conf_vs_find(const struct conf *, const char *name);
const char *conf_vs_name(const struct conf_vs *);
const char *conf_vs_str(const struct conf_vs *, const char *key);
int	 conf_vs_bool(const struct conf_vs *, const char *key);
long	 conf_vs_int(const struct conf_vs *, const char *key);

/* Split a list value into words (space or comma separated). Returns a
 * NULL-terminated array the caller frees with conf_list_free. */
char	**conf_split(const char *value, size_t *n);
void	 conf_list_free(char **);

/* The common front of every program: -c FILE, repeated -o, -n.
 * Loads and finalizes; on error prints the message and exits 2; with
 * check_only prints the effective configuration and exits 0. */
struct conf *conf_setup(const char *path, char *const *overrides,
	    size_t noverrides, int check_only);
/* The same with flags: CONF_SETUP_CHECK_ONLY as check_only above;
 * CONF_SETUP_FILE_OPTIONAL: with no path given and no default file, run
 * on the built-in defaults (for "echomx check", which needs no file). */
#define CONF_SETUP_CHECK_ONLY		0x1
#define CONF_SETUP_FILE_OPTIONAL	0x2
struct conf *conf_setup_flags(const char *path, char *const *overrides,
	    size_t noverrides, int flags);
const char *conf_default_path(void);

#endif
